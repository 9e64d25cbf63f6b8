using Mote.Convert.Onnx;
using Mote.Convert.Tests.Support;
using Mote.Format;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>GELU written out (Erf and tanh forms, in the orders exporters write) becomes one Gelu, with ONNX Runtime's results on the original graph.</summary>
public sealed class FuseGeluTests
{
    private static readonly TensorProto[] Constants =
    [
        FloatTensor("sqrt2", [], 1.4142135381698608f), FloatTensor("inv_sqrt2", [], 0.70710677f), FloatTensor("one", [], 1f),
        FloatTensor("half", [], 0.5f), FloatTensor("two", [], 2f), FloatTensor("three", [], 3f),
        FloatTensor("k", [], 0.7978845608f), FloatTensor("c", [], 0.044715f), FloatTensor("wrong", [], 1.5f),
        FloatTensor("half4d", [1, 1, 1], 0.5f),
    ];

    /// <summary>Erf(x/√2) → a = erf + 1, written as the test asks.</summary>
    private static NodeProto[] ErfHead(bool mulByInverse = false, string sqrt2 = "sqrt2") =>
    [
        mulByInverse ? Node("Mul", ["inv_sqrt2", "x"], ["t"], "scale") : Node("Div", ["x", sqrt2], ["t"], "scale"),
        Node("Erf", ["t"], ["e"], "erf"),
        Node("Add", ["e", "one"], ["a"], "plus_one"),
    ];

    /// <summary>Tanh(√(2/π)·(x + 0.044715·x³)) → a = tanh + 1 (the one first).</summary>
    private static NodeProto[] TanhHead(bool cubeByMul) =>
    [
        .. cubeByMul
            ? new[] { Node("Mul", ["x", "x"], ["x2"], "square"), Node("Mul", ["x", "x2"], ["x3"], "cube") }
            : [Node("Pow", ["x", "three"], ["x3"], "cube")],
        Node("Mul", ["c", "x3"], ["cx3"], "cubic"),
        Node("Add", ["x", "cx3"], ["inner"], "inner"),
        Node("Mul", ["inner", "k"], ["u"], "scale"),
        Node("Tanh", ["u"], ["th"], "tanh"),
        Node("Add", ["one", "th"], ["a"], "plus_one"),
    ];

    private static ModelProto Build(IEnumerable<NodeProto> nodes, params string[] extraOutputs) => Model(Graph("gelu", nodes,
        [Value("x", F32, "batch", 16), Value("z", F32, "batch", 16)],
        [ValueNoShape("y", F32), .. extraOutputs.Select(o => ValueNoShape(o, F32))], Constants), 13);

    private static ConvertResult Check(ModelProto onnx, string? fused)
    {
        var r = Fusion.Convert(onnx);
        var inputs = new[] { new[] { 3, 16 }, [1, 16] }
            .Select((s, k) => new[] { Fusion.Floats("x", 200 + k, -5f, 5f, s), Fusion.Floats("z", 300 + k, -1f, 1f, s) }).ToArray();
        Fusion.AssertMatchesOnnxRuntime(onnx, r, 1e-5, inputs);
        if (fused is null)
        {
            Assert.Equal(0, Fusion.Count(r, OpType.Gelu));
            return r;
        }
        var gelu = Tensors.Single(r.Model, OpType.Gelu);
        Assert.Equal(["x"], gelu.Inputs);
        Assert.Equal(["y"], gelu.Outputs);
        Assert.Equal(fused, gelu.Attribute("approximate")?.String ?? "none");
        Assert.Single(r.Model.Graph.Nodes);
        return r;
    }

    [Fact]
    public void PyTorchErfForm() =>
        Check(Build([.. ErfHead(), Node("Mul", ["x", "a"], ["xa"], "m1"), Node("Mul", ["xa", "half"], ["y"], "m2")]), "none");

    [Fact]
    public void MulByInverseSqrt2AndHalfFirst() =>
        Check(Build([.. ErfHead(mulByInverse: true), Node("Mul", ["half", "x"], ["hx"], "h"), Node("Mul", ["a", "hx"], ["y"], "m1")]), "none");

    [Fact]
    public void HalfTimesTheSumThenX() =>
        Check(Build([.. ErfHead(), Node("Mul", ["a", "half"], ["ha"], "m1"), Node("Mul", ["x", "ha"], ["y"], "m2")]), "none");

    [Fact]
    public void HalfAsDivisionByTwo()
    {
        Check(Build([.. ErfHead(), Node("Div", ["x", "two"], ["hx"], "h"), Node("Mul", ["hx", "a"], ["y"], "m1")]), "none");
        Check(Build([.. ErfHead(), Node("Mul", ["a", "x"], ["xa"], "m1"), Node("Div", ["xa", "two"], ["y"], "m2")]), "none");
    }

    [Fact]
    public void TanhFormWithPow() =>
        Check(Build([.. TanhHead(cubeByMul: false), Node("Mul", ["half", "x"], ["hx"], "h"), Node("Mul", ["hx", "a"], ["y"], "m1")]), "tanh");

    [Fact]
    public void TanhFormWithMultipliedCube() =>
        Check(Build([.. TanhHead(cubeByMul: true), Node("Mul", ["x", "a"], ["xa"], "m1"), Node("Mul", ["xa", "half"], ["y"], "m2")]), "tanh");

    [Fact]
    public void OtherConstantsAreLeftAlone()
    {
        Check(Build([.. ErfHead(sqrt2: "wrong"), Node("Mul", ["x", "a"], ["xa"], "m1"), Node("Mul", ["xa", "half"], ["y"], "m2")]), null);
        // A half of rank 3 broadcasts the result up a dimension: not the same as Gelu(x).
        Check(Build([.. ErfHead(), Node("Mul", ["x", "a"], ["xa"], "m1"), Node("Mul", ["xa", "half4d"], ["y"], "m2")]), null);
    }

    [Fact]
    public void AnotherTensorInTheProductIsLeftAlone() =>
        Check(Build([.. ErfHead(), Node("Mul", ["z", "a"], ["za"], "m1"), Node("Mul", ["za", "half"], ["y"], "m2")]), null);

    [Fact]
    public void AnIntermediateUsedElsewhereIsLeftAlone()
    {
        var r = Check(Build([.. ErfHead(), Node("Mul", ["x", "a"], ["xa"], "m1"), Node("Mul", ["xa", "half"], ["y"], "m2")], "e"), null);
        Assert.Contains(Fusion.Report(r, "FuseGelu").Messages, m => m.Contains("used elsewhere", StringComparison.Ordinal));
        Assert.Equal(1, Fusion.Count(r, OpType.Erf));
    }
}
