using Mote.Convert.Onnx;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Runtime.Operators.NeuralNet;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>
/// Skip connections, <c>Relu(Add(Conv(x), r))</c>, become one Conv with a residual input and a fused Relu, and
/// still match ONNX Runtime on the original graph; the Adds the runtime cannot take stay.
/// </summary>
public sealed class ConvResidualTests
{
    private const int C = 6;

    private static readonly TensorProto[] Constants =
    [
        FloatTensor("w", [C, C, 3, 3], [.. Enumerable.Range(0, C * C * 9).Select(i => MathF.Sin(i * 0.31f) * 0.3f)]),
        FloatTensor("w2", [C, C, 1, 1], [.. Enumerable.Range(0, C * C).Select(i => MathF.Cos(i * 0.7f) * 0.4f)]),
        FloatTensor("dw", [C, 1, 3, 3], [.. Enumerable.Range(0, C * 9).Select(i => 0.05f * (i % 7) - 0.1f)]),
        FloatTensor("b", [C], [.. Enumerable.Range(0, C).Select(i => 0.1f * i - 0.3f)]),
        FloatTensor("row", [1, 1, 1, 7], [.. Enumerable.Range(0, 7).Select(i => 0.2f * i)]),
    ];

    private static NodeProto Conv3x3(string x, string y) => Node("Conv", [x, "w", "b"], [y], y, Ints("pads", 1, 1, 1, 1));

    private static ModelProto Build(IEnumerable<NodeProto> nodes) => Model(Graph("resnet", nodes,
        [Value("x", F32, "batch", C, 5, 7)], [ValueNoShape("y", F32)], Constants), 13);

    private static ConvertResult Check(ModelProto onnx)
    {
        var r = Fusion.Convert(onnx);
        Fusion.AssertMatchesOnnxRuntime(onnx, r, 1e-5,
            [Fusion.Floats("x", 1, -2f, 2f, 1, C, 5, 7)], [Fusion.Floats("x", 2, -2f, 2f, 3, C, 5, 7)]);
        return r;
    }

    [Fact]
    public void BasicBlockBecomesOneConvWithResidualAndRelu()
    {
        var r = Check(Build([Conv3x3("x", "c1"), Node("Relu", ["c1"], ["h"], "relu1"), Conv3x3("h", "c2"),
            Node("Add", ["c2", "x"], ["s"], "add"), Node("Relu", ["s"], ["y"], "relu2")]));
        Assert.Equal(0, Fusion.Count(r, OpType.Add));
        var last = r.Model.Graph.Nodes[^1];
        Assert.Equal(OpType.Conv, last.Op);
        Assert.Equal("x", last.Input(3));
        Assert.Equal((long)Mote.Kernels.ActivationKind.Relu, last.Attribute(FusedActivation.KindAttribute)?.Int);
    }

    [Fact]
    public void OfTwoConvsTheLaterTakesTheOtherAsResidual()
    {
        // Projection shortcut: Add(conv 1×1 (x), conv 3×3 (x)), the 3×3 written second.
        var r = Check(Build([Node("Conv", ["x", "w2"], ["p"], "proj"), Conv3x3("x", "c"), Node("Add", ["p", "c"], ["y"], "add")]));
        Assert.Equal(0, Fusion.Count(r, OpType.Add));
        Assert.Equal("p", r.Model.Graph.Nodes.Single(n => n.Name == "c").Input(3));
    }

    [Fact]
    public void ResidualComputedAfterTheConvStays()
    {
        // The Add's other input is produced after the Conv: the Conv cannot read it.
        var r = Check(Build([Conv3x3("x", "c"), Node("Relu", ["x"], ["later"], "later"), Node("Add", ["c", "later"], ["y"], "add")]));
        Assert.Equal(1, Fusion.Count(r, OpType.Add));
    }

    [Fact]
    public void DepthwiseAndBroadcastingAddsStay()
    {
        var depthwise = Check(Build([Node("Conv", ["x", "dw"], ["c"], "dw", Ints("pads", 1, 1, 1, 1), Attr("group", (long)C)),
            Node("Add", ["c", "x"], ["y"], "add")]));
        Assert.Equal(1, Fusion.Count(depthwise, OpType.Add));
        var broadcast = Check(Build([Conv3x3("x", "c"), Node("Add", ["c", "row"], ["y"], "add")]));
        Assert.Equal(1, Fusion.Count(broadcast, OpType.Add));
    }
}
