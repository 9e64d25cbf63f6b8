using Mote.Convert.Onnx;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Runtime.Operators.NeuralNet;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>
/// PaddleOCR's PP-LCNetV3 block written out — Conv, an affine map by constants, hardswish as
/// <c>x·relu6(x+3)/6</c>, another affine map — becomes one Conv with its activation and affine map fused,
/// and still matches ONNX Runtime on the original graph; the forms each pass must leave alone stay.
/// </summary>
public sealed class ConvAffineHardSwishTests
{
    private const int C = 5;

    private static readonly TensorProto[] Constants =
    [
        FloatTensor("w", [C, 3, 3, 3], [.. Enumerable.Range(0, C * 27).Select(i => MathF.Sin(i * 0.37f) * 0.4f)]),
        FloatTensor("b", [C], [.. Enumerable.Range(0, C).Select(i => 0.1f * i - 0.2f)]),
        FloatTensor("s", [1], 1.3f), FloatTensor("t", [1], -0.25f),
        FloatTensor("s_c", [1, C, 1, 1], [.. Enumerable.Range(0, C).Select(i => 0.5f + 0.2f * i)]),
        FloatTensor("t_c", [C, 1, 1], [.. Enumerable.Range(0, C).Select(i => 0.3f - 0.1f * i)]),
        FloatTensor("t_w", [1, 1, 1, 6], [.. Enumerable.Range(0, 6).Select(i => 0.1f * i)]),
        FloatTensor("three", [], 3f), FloatTensor("zero", [], 0f), FloatTensor("six", [], 6f), FloatTensor("sixth", [], 1f / 6f),
        FloatTensor("s2", [1], 0.8f), FloatTensor("t2", [1], 0.05f),
    ];

    private static NodeProto ConvNode => Node("Conv", ["x", "w", "b"], ["c"], "conv", Ints("pads", 1, 1, 1, 1));

    // relu6(h + 3), then x·gate/6 (Paddle) or x·gate·(1/6) (TensorFlow); output "hs".
    private static NodeProto[] HardSwish(string h, bool tensorFlow) =>
    [
        Node("Add", ["three", h], ["h3"], "plus3"),
        Node("Clip", ["h3", "zero", "six"], ["r6"], "relu6"),
        Node("Mul", [h, "r6"], ["xr"], "times_x"),
        tensorFlow ? Node("Mul", ["xr", "sixth"], ["hs"], "sixth") : Node("Div", ["xr", "six"], ["hs"], "over6"),
    ];

    private static ModelProto Build(IEnumerable<NodeProto> nodes) => Model(Graph("lcnet", nodes,
        [Value("x", F32, "batch", 3, 6, 6)], [ValueNoShape("y", F32)], Constants), 13);

    private static ConvertResult Check(ModelProto onnx)
    {
        var r = Fusion.Convert(onnx);
        Fusion.AssertMatchesOnnxRuntime(onnx, r, 1e-5,
            [Fusion.Floats("x", 1, -4f, 4f, 1, 3, 6, 6)], [Fusion.Floats("x", 2, -4f, 4f, 2, 3, 6, 6)]);
        return r;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PaddleBlockBecomesOneConv(bool tensorFlow)
    {
        var r = Check(Build([ConvNode, Node("Mul", ["s", "c"], ["m"], "lab_scale"), Node("Add", ["m", "t"], ["a"], "lab_shift"),
            .. HardSwish("a", tensorFlow), Node("Mul", ["s2", "hs"], ["m2"], "lab2_scale"), Node("Add", ["m2", "t2"], ["y"], "lab2_shift")]));
        var conv = Assert.Single(r.Model.Graph.Nodes);
        Assert.Equal(OpType.Conv, conv.Op);
        Assert.Equal((long)Mote.Kernels.ActivationKind.HardSwish, conv.Attribute(FusedActivation.KindAttribute)?.Int);
        Assert.Equal([0.8f, 0.05f], conv.Attribute(FusedActivation.AffineAttribute)?.Floats ?? []);
    }

    [Fact]
    public void PerChannelScaleAndShiftAndSubtractionFold()
    {
        var r = Check(Build([ConvNode, Node("Mul", ["c", "s_c"], ["m"], "scale"), Node("Sub", ["m", "t_c"], ["d"], "minus"),
            Node("Div", ["d", "s"], ["y"], "over")]));
        Assert.Equal(3, Fusion.Report(r, "FoldConvAffine").Counts.Sum(c => c.Value));
        Assert.Single(r.Model.Graph.Nodes);
    }

    [Fact]
    public void ConstantMinusConvFoldsButConstantOverConvStays()
    {
        var r = Check(Build([ConvNode, Node("Sub", ["t", "c"], ["d"], "minus"), Node("Div", ["s", "d"], ["y"], "over")]));
        Assert.Equal(1, Fusion.Count(r, OpType.Div));
        Assert.Equal(0, Fusion.Count(r, OpType.Sub));
    }

    [Fact]
    public void ShiftThatBroadcastsAlongWidthStays()
    {
        var r = Check(Build([ConvNode, Node("Add", ["c", "t_w"], ["y"], "shift")]));
        Assert.Equal(1, Fusion.Count(r, OpType.Add));
    }

    [Fact]
    public void HardSigmoidWrittenOutIsRecognised()
    {
        // On the input itself (after a Conv, the + 3 would fold into its bias and the rest fuse as Clip + affine).
        var r = Check(Build([Node("Add", ["x", "three"], ["h3"], "plus3"), Node("Clip", ["h3", "zero", "six"], ["r6"], "relu6"),
            Node("Mul", ["sixth", "r6"], ["y"], "sixth")]));
        var hs = Assert.Single(r.Model.Graph.Nodes);
        Assert.Equal(OpType.HardSigmoid, hs.Op);
        Assert.Equal(["x"], hs.Inputs);
    }

    [Fact]
    public void HardSwishWithAnOutsideReaderOfTheGateStays()
    {
        // relu6(x+3) is also a graph output: the pattern may not swallow it.
        var onnx = Model(Graph("lcnet", [ConvNode, .. HardSwish("c", tensorFlow: false), Node("Identity", ["hs"], ["y"], "id")],
            [Value("x", F32, "batch", 3, 6, 6)], [ValueNoShape("y", F32), ValueNoShape("r6", F32)], Constants), 13);
        var r = Check(onnx);
        Assert.Equal(1, Fusion.Count(r, OpType.Clip));
        Assert.Equal(0, Fusion.Count(r, OpType.HardSwish));
    }
}
