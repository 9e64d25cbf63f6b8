using Mote.Convert.Onnx;
using Mote.Convert.Passes;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Kernels;
using Mote.Runtime.Operators.NeuralNet;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>Activations fused into Conv/ConvTranspose/Gemm as mote.activation attributes.</summary>
public sealed class FuseActivationTests
{
    private static (ModelDef Model, PassReport Report) Fuse(string producer, NodeProto act, ValueInfoProto[]? extraOutputs = null, params TensorProto[] extraInits)
    {
        var inputs = producer == "Gemm" ? new[] { "x", "w", "" } : ["x", "w"];
        var nodes = new[] { Node(producer, inputs, ["p"], "prod"), act };
        var outputs = new List<ValueInfoProto> { Value("y", F32, 1, 2, 2, 2) };
        outputs.AddRange(extraOutputs ?? []);
        var model = Importer.Model(Model(Graph("g", nodes, [Value("x", F32, 1, 2, 2, 2), Value("lo", F32)], outputs,
            [FloatTensor("w", [2, 2, 1, 1], 1, 0, 0, 1), .. extraInits])));
        var report = new PassReport("FuseActivation");
        new FuseActivation().Run(model, report);
        Assert.Empty(ModelCheck.Problems(model));
        return (model, report);
    }

    private static NodeDef Fused(ModelDef m, ActivationKind kind, params float[] parameters)
    {
        var n = Assert.Single(m.Graph.Nodes);
        Assert.Equal(["y"], n.Outputs);
        Assert.Equal((long)kind, n.Attribute(FusedActivation.KindAttribute)!.Int);
        if (parameters.Length == 0)
            Assert.Null(n.Attribute(FusedActivation.ParamsAttribute));
        else
            Assert.Equal(parameters, n.Attribute(FusedActivation.ParamsAttribute)!.Floats);
        return n;
    }

    [Fact]
    public void ActivationIdsAreTheFileFormatContract()
    {
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], Enum.GetValues<ActivationKind>().Select(k => (int)k));
        Assert.Equal(["None", "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh"], Enum.GetNames<ActivationKind>());
    }

    [Theory]
    [InlineData("Conv", "Relu", ActivationKind.Relu)]
    [InlineData("ConvTranspose", "Sigmoid", ActivationKind.Sigmoid)]
    [InlineData("Gemm", "Tanh", ActivationKind.Tanh)]
    [InlineData("Conv", "HardSwish", ActivationKind.HardSwish)]
    public void ParameterlessActivations(string producer, string act, ActivationKind kind)
    {
        var (m, r) = Fuse(producer, Node(act, ["p"], ["y"]));
        Assert.Equal(producer, Fused(m, kind).Op.ToString());
        Assert.Equal(1, r.CountOf($"{act} fused into {producer}"));
        Assert.False(m.Tensors.ContainsKey("p"));
    }

    [Fact]
    public void ParametersWithOnnxDefaults()
    {
        Fused(Fuse("Conv", Node("LeakyRelu", ["p"], ["y"])).Model, ActivationKind.LeakyRelu, 0.01f);
        Fused(Fuse("Conv", Node("LeakyRelu", ["p"], ["y"], "", Attr("alpha", 0.1f))).Model, ActivationKind.LeakyRelu, 0.1f);
        Fused(Fuse("Conv", Node("HardSigmoid", ["p"], ["y"])).Model, ActivationKind.HardSigmoid, 0.2f, 0.5f);
        Fused(Fuse("Conv", Node("HardSigmoid", ["p"], ["y"], "", Attr("alpha", 1f / 6), Attr("beta", 0.5f))).Model, ActivationKind.HardSigmoid, 1f / 6, 0.5f);
    }

    [Fact]
    public void ClipBoundsFromConstantsOrInfinity()
    {
        Fused(Fuse("Conv", Node("Clip", ["p", "min", "max"], ["y"]), null, FloatTensor("min", [], 0f), FloatTensor("max", [], 6f)).Model, ActivationKind.Clip, 0f, 6f);
        Fused(Fuse("Conv", Node("Clip", ["p", "min"], ["y"]), null, FloatTensor("min", [], -1f)).Model, ActivationKind.Clip, -1f, float.PositiveInfinity);
        Fused(Fuse("Conv", Node("Clip", ["p", "", "max"], ["y"]), null, FloatTensor("max", [], 1f)).Model, ActivationKind.Clip, float.NegativeInfinity, 1f);
        // A computed bound cannot be fused.
        var (m, r) = Fuse("Conv", Node("Clip", ["p", "lo"], ["y"]));
        Assert.False(r.Changed);
        Assert.Equal(2, m.Graph.Nodes.Count);
    }

    [Fact]
    public void NotFusedWhenTheProducerOutputIsSharedOrExported()
    {
        var (shared, r1) = Fuse("Conv", Node("Relu", ["p"], ["y"]), [Value("p", F32, 1, 2, 2, 2)]);
        Assert.False(r1.Changed);
        Assert.Null(shared.Graph.Nodes[0].Attribute(FusedActivation.KindAttribute));

        var nodes = new[] { Node("Conv", ["x", "w"], ["p"], "conv"), Node("Relu", ["p"], ["y"]), Node("Neg", ["p"], ["z"]) };
        var m = Importer.Model(Model(Graph("g", nodes, [Value("x", F32, 1, 2, 2, 2)], [Value("y", F32, 1, 2, 2, 2), Value("z", F32, 1, 2, 2, 2)], FloatTensor("w", [2, 2, 1, 1], 1, 0, 0, 1))));
        var report = new PassReport("");
        new FuseActivation().Run(m, report);
        Assert.False(report.Changed);
    }

    [Fact]
    public void OnlyOneActivationPerProducer()
    {
        var nodes = new[] { Node("Conv", ["x", "w"], ["p"], "conv"), Node("Relu", ["p"], ["q"]), Node("Sigmoid", ["q"], ["y"]) };
        var m = Importer.Model(Model(Graph("g", nodes, [Value("x", F32, 1, 2, 2, 2)], [Value("y", F32, 1, 2, 2, 2)], FloatTensor("w", [2, 2, 1, 1], 1, 0, 0, 1))));
        new FuseActivation().Run(m, new PassReport(""));
        Assert.Equal([OpType.Conv, OpType.Sigmoid], m.Graph.Nodes.Select(n => n.Op));
        Assert.Equal((long)ActivationKind.Relu, m.Graph.Nodes[0].Attribute(FusedActivation.KindAttribute)!.Int);
        Assert.Equal(["q"], m.Graph.Nodes[0].Outputs);
        Assert.Empty(ModelCheck.Problems(m));
    }
}
