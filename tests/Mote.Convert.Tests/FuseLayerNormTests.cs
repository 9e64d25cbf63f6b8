using Mote.Convert.Onnx;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Runtime;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>Layer normalization written out with ReduceMean/Sub/Pow/Sqrt/Div becomes one LayerNormalization, with ONNX Runtime's results on the original graph.</summary>
public sealed class FuseLayerNormTests
{
    private const int D = 8;
    private static readonly float[] Gamma = Reference.Random(D, 11, 0.5f, 2f), Beta = Reference.Random(D, 12, -1f, 1f);

    /// <summary>How a test writes the pattern.</summary>
    private sealed record Form
    {
        public object[] XDims { get; init; } = ["batch", "seq", D];
        public long[] Axes { get; init; } = [-1];
        public long[]? VarianceAxes { get; init; }
        public bool SquareByMul { get; init; }
        public bool Reciprocal { get; init; }
        public bool EpsFirst { get; init; }
        public bool EpsIsInput { get; init; }
        public TensorProto? Gamma { get; init; }
        public TensorProto? Beta { get; init; }
        public bool ParametersFirst { get; init; }
        public long Opset { get; init; } = 13;
        public float Exponent { get; init; } = 2;
        public long KeepDims { get; init; } = 1;
        /// <summary>An intermediate also made a graph output.</summary>
        public string? Exported { get; init; }
    }

    private static ModelProto Build(Form f)
    {
        var nodes = new List<NodeProto>();
        var inits = new List<TensorProto> { FloatTensor("two", [], f.Exponent) };
        var inputs = new List<ValueInfoProto> { Value("x", F32, f.XDims) };
        NodeProto Mean(string input, string output, long[] axes)
        {
            if (f.Opset >= 18)
            {
                inits.Add(Int64Tensor(output + ".axes", [axes.Length], axes));
                return Node("ReduceMean", [input, output + ".axes"], [output], output, Attr("keepdims", f.KeepDims));
            }
            return Node("ReduceMean", [input], [output], output, Ints("axes", axes), Attr("keepdims", f.KeepDims));
        }
        nodes.Add(Mean("x", "mean", f.Axes));
        nodes.Add(Node("Sub", ["x", "mean"], ["d"], "sub"));
        nodes.Add(f.SquareByMul ? Node("Mul", ["d", "d"], ["sq"], "square") : Node("Pow", ["d", "two"], ["sq"], "square"));
        nodes.Add(Mean("sq", "var", f.VarianceAxes ?? f.Axes));
        if (f.EpsIsInput)
            inputs.Add(Value("eps", F32));
        else
            inits.Add(FloatTensor("eps", [], 1e-5f));
        nodes.Add(Node("Add", f.EpsFirst ? ["eps", "var"] : ["var", "eps"], ["ve"], "add_eps"));
        nodes.Add(Node("Sqrt", ["ve"], ["sd"], "sqrt"));
        if (f.Reciprocal)
        {
            nodes.Add(Node("Reciprocal", ["sd"], ["inv"], "recip"));
            nodes.Add(Node("Mul", ["inv", "d"], ["n"], "normalize"));
        }
        else
            nodes.Add(Node("Div", ["d", "sd"], ["n"], "normalize"));
        string last = "n";
        if (f.Gamma is { } g)
        {
            inits.Add(g);
            nodes.Add(Node("Mul", f.ParametersFirst ? [g.Name, last] : [last, g.Name], ["scaled"], "gamma"));
            last = "scaled";
        }
        if (f.Beta is { } b)
        {
            inits.Add(b);
            nodes.Add(Node("Add", f.ParametersFirst ? [b.Name, last] : [last, b.Name], ["shifted"], "beta"));
            last = "shifted";
        }
        nodes[^1].Output[0] = "y";
        var outputs = new List<ValueInfoProto> { Value("y", F32, f.XDims) };
        if (f.Exported is { } e)
            outputs.Add(ValueNoShape(e, F32));
        return Model(Graph("ln", nodes, inputs, outputs, [.. inits]), f.Opset);
    }

    private static NamedTensor[][] Inputs(Form f, params int[][] shapes) => shapes.Select((s, k) =>
    {
        // Shifted away from zero, so that a wrong mean shows.
        var x = Fusion.Floats("x", 100 + k, 2f, 6f, s);
        return f.EpsIsInput ? new[] { x, new NamedTensor("eps", Tensor.Scalar(1e-5f)) } : [x];
    }).ToArray();

    private static ConvertResult Check(Form f, bool fused, params int[][] shapes)
    {
        var onnx = Build(f);
        var result = Fusion.Convert(onnx);
        Assert.Equal(fused ? 1 : 0, Fusion.Count(result, OpType.LayerNormalization));
        Assert.Equal(fused ? 1 : 0, Fusion.Report(result, "FuseLayerNorm").CountOf("LayerNormalization patterns fused"));
        if (fused)
            foreach (var op in new[] { OpType.ReduceMean, OpType.Sub, OpType.Pow, OpType.Sqrt, OpType.Div, OpType.Reciprocal })
                Assert.Equal(0, Fusion.Count(result, op));
        else
            Assert.Equal(2, Fusion.Count(result, OpType.ReduceMean));
        Fusion.AssertMatchesOnnxRuntime(onnx, result, 1e-5, Inputs(f, shapes.Length > 0 ? shapes : [[2, 5, D], [1, 3, D]]));
        return result;
    }

    private static NodeDef Fused(ConvertResult r) => Tensors.Single(r.Model, OpType.LayerNormalization);

    [Fact]
    public void PyTorchFormWithGammaAndBeta()
    {
        var r = Check(new Form { Gamma = FloatTensor("g", [D], Gamma), Beta = FloatTensor("b", [D], Beta) }, fused: true);
        var n = Fused(r);
        Assert.Equal(["x", "g", "b"], n.Inputs);
        Assert.Equal(["y"], n.Outputs);
        Assert.Equal(-1, n.Attribute("axis")!.Int);
        Assert.Equal(1e-5f, n.Attribute("epsilon")!.Float);
        Assert.Single(r.Model.Graph.Nodes);
    }

    [Fact]
    public void SquareByMulReciprocalPositiveAxisAndOperandsFirst()
    {
        var f = new Form
        {
            Axes = [2], SquareByMul = true, Reciprocal = true, EpsFirst = true, ParametersFirst = true,
            Gamma = FloatTensor("g", [D], Gamma), Beta = FloatTensor("b", [D], Beta),
        };
        Assert.Equal(-1, Fused(Check(f, fused: true)).Attribute("axis")!.Int);
    }

    [Fact]
    public void WithoutGammaAScaleOfOnesIsSupplied()
    {
        var r = Check(new Form(), fused: true);
        var n = Fused(r);
        Assert.Equal(2, n.Inputs.Count);
        Assert.Equal(Enumerable.Repeat(1f, D), Tensors.Floats(r.Model.Tensor(n.Inputs[1])));
    }

    [Fact]
    public void GammaOnlyAndBetaOnly()
    {
        Assert.Equal(2, Fused(Check(new Form { Gamma = FloatTensor("g", [D], Gamma) }, fused: true)).Inputs.Count);
        Assert.Equal(3, Fused(Check(new Form { Beta = FloatTensor("b", [D], Beta) }, fused: true)).Inputs.Count);
    }

    [Fact]
    public void ParametersWithLeadingOnesAreReshapedToTheRow()
    {
        var r = Check(new Form { Gamma = FloatTensor("g", [1, 1, D], Gamma), Beta = FloatTensor("b", [1, D], Beta) }, fused: true);
        var n = Fused(r);
        Assert.Equal([D], Tensors.Shape(r.Model.Tensor(n.Inputs[1])));
        Assert.Equal([D], Tensors.Shape(r.Model.Tensor(n.Inputs[2])));
    }

    [Fact]
    public void TwoTrailingAxes()
    {
        var f = new Form
        {
            XDims = ["batch", 3, 4], Axes = [-2, -1], Gamma = FloatTensor("g", [3, 4], Reference.Random(12, 13, 0.5f, 2f)),
            Beta = FloatTensor("b", [4], Reference.Random(4, 14)),
        };
        var n = Fused(Check(f, true, [2, 3, 4], [1, 3, 4]));
        Assert.Equal(-2, n.Attribute("axis")!.Int);
    }

    [Fact]
    public void Opset18AxesInput()
    {
        var f = new Form { Opset = 18, Axes = [-1], Gamma = FloatTensor("g", [D], Gamma), Beta = FloatTensor("b", [D], Beta) };
        Check(f, fused: true);
    }

    [Fact]
    public void NonTrailingAxisIsLeftAlone() =>
        Check(new Form { Axes = [1], Gamma = FloatTensor("g", [D], Gamma) }, fused: false);

    [Fact]
    public void DifferentAxesForTheTwoMeansAreLeftAlone() =>
        Check(new Form { XDims = ["batch", 3, 4], Axes = [-1], VarianceAxes = [-2, -1] }, false, [2, 3, 4]);

    [Fact]
    public void AnIntermediateUsedElsewhereIsLeftAlone()
    {
        var r = Check(new Form { Exported = "d", Gamma = FloatTensor("g", [D], Gamma) }, fused: false);
        Assert.Contains(Fusion.Report(r, "FuseLayerNorm").Messages, m => m.Contains("used elsewhere", StringComparison.Ordinal));
        Check(new Form { Exported = "sd" }, fused: false);
    }

    [Fact]
    public void NonConstantEpsilonIsLeftAlone() => Check(new Form { EpsIsInput = true }, fused: false);

    [Fact]
    public void OtherExponentsAndDroppedDimensionsAreLeftAlone()
    {
        Check(new Form { Exponent = 3 }, fused: false);
        // Without keepdims the means broadcast along the rows instead: a different computation.
        Check(new Form { KeepDims = 0, XDims = [4, 4] }, false, [4, 4]);
    }

    [Fact]
    public void GammaOfAnotherLengthStaysAMul()
    {
        // A per-position scale [seq, 1] is no LayerNormalization scale: the normalization fuses, the Mul stays.
        var f = new Form { XDims = ["batch", 5, D], Gamma = FloatTensor("g", [5, 1], Reference.Random(5, 15)) };
        var r = Check(f, true, [2, 5, D], [1, 5, D]);
        Assert.Equal(1, Fusion.Count(r, OpType.Mul));
    }
}
