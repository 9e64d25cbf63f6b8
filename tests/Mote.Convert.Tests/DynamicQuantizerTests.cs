using Google.Protobuf;
using Mote.Cli.Reference;
using Mote.Convert.Accuracy;
using Mote.Convert.Export;
using Mote.Convert.Onnx;
using Mote.Convert.Quantization;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Runtime;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary><c>--precision int8-dynamic</c>: MatMul by constant weights in integers, activations quantized per run.</summary>
public sealed class DynamicQuantizerTests
{
    private const int K = 16, N = 8;

    // x [batch, 3, K] · W [K, N] + b, then · W2 [N, 4] (no bias), with a float op in between.
    private static ModelProto Network() => Model(Graph("mlp",
        [
            Node("MatMul", ["x", "w"], ["h0"], "fc1"),
            Node("Add", ["h0", "b"], ["h"], "bias"),
            Node("Tanh", ["h"], ["t"], "tanh"),
            Node("MatMul", ["t", "w2"], ["y"], "fc2"),
        ],
        [Value("x", F32, "batch", 3, K)], [ValueNoShape("y", F32)],
        FloatTensor("w", [K, N], Reference.Random(K * N, 1)), FloatTensor("b", [N], Reference.Random(N, 2)),
        FloatTensor("w2", [N, 4], Reference.Random(N * 4, 3))), 17);

    [Fact]
    public void MatMulsRunInIntegersCloseToFloatAndAsOnnxRuntimeRunsThem()
    {
        using var dir = new TempDir();
        var samples = Enumerable.Range(0, 4).Select(s => (IReadOnlyList<NamedTensor>)[Fusion.Floats("x", 20 + s, -3f, 3f, 2, 3, K)]).ToList();
        var result = Converter.Convert(dir.Write(Network()), new ConvertOptions { Precision = Precision.Int8Dynamic, Samples = _ => samples });
        Assert.Equal(2, result.Passes.Single(p => p.Pass == "QuantizeInt8Dynamic").CountOf("MatMul → MatMulInteger"));
        var nodes = result.Model.Graph.Nodes;
        Assert.Equal(2, nodes.Count(n => n.Op == OpType.DynamicQuantizeLinear));
        Assert.DoesNotContain(nodes, n => n.Op == OpType.MatMul);
        Assert.All(nodes.Where(n => n.Op == OpType.MatMulInteger), n => Assert.Equal(DataType.Int8, result.Model.Tensor(n.Inputs[1]).Type));
        var output = Assert.Single(result.Accuracy.Outputs);
        Assert.True(output.MinCosine >= 0.999 && output.MaxRel is > 0 and < 0.05, $"cosine {output.MinCosine}, max rel {output.MaxRel}");

        var path = dir.File("dynamic.onnx");
        File.WriteAllBytes(path, OnnxExporter.Export(result.Model).ToByteArray());
        using var ort = new OnnxRuntimeRunner(path);
        using var model = MoteModel.FromDefinition(result.Model);
        using var session = model.CreateSession();
        foreach (var sample in samples)
        {
            var c = Comparison.Of(session.Run(sample)[0].Value, ort.Run(sample)[0].Value);
            Assert.True(c.ShapeMatches && c.Cosine >= 0.9999, $"against ONNX Runtime: cosine {c.Cosine}, max rel {c.MaxRel}");
        }
    }
}
