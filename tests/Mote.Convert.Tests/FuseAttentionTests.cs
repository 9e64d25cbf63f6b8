using Mote.Convert.Onnx;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Runtime;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>BERT-style self-attention (as PyTorch exports it) becomes one Attention node, with ONNX Runtime's results on the original graph.</summary>
public sealed class FuseAttentionTests
{
    private const int Hidden = 16, Heads = 2, Size = Hidden / Heads;

    /// <summary>How a test writes the block.</summary>
    private sealed record Form
    {
        public int ValueSize { get; init; } = Size;
        /// <summary>Reshape targets as constants [0, 0, H, d] instead of Shape/Gather/Concat chains.</summary>
        public bool ConstantShapes { get; init; }
        public bool KeyTwoTransposes { get; init; }
        /// <summary>"div" (by √d), "mul" (by 1/√d, constant first), "none" or "input" (a computed divisor).</summary>
        public string Scale { get; init; } = "div";
        /// <summary>"padding" ([B,1,1,T] from attention_mask), "bias" (a float input [B,1,S,T]), "column" ([B,1,1,1]) or "none".</summary>
        public string Mask { get; init; } = "padding";
        public bool MaskFirst { get; init; }
        public long SoftmaxAxis { get; init; } = -1;
        public long[] OutputPerm { get; init; } = [0, 2, 1, 3];
        /// <summary>An intermediate also made a graph output.</summary>
        public string? Exported { get; init; }
    }

    private static ModelProto Build(Form f)
    {
        int dv = f.ValueSize;
        var nodes = new List<NodeProto>();
        var inits = new List<TensorProto>
        {
            FloatTensor("wq", [Hidden, Hidden], Reference.Random(Hidden * Hidden, 1, -0.5f, 0.5f)), FloatTensor("bq", [Hidden], Reference.Random(Hidden, 2)),
            FloatTensor("wk", [Hidden, Hidden], Reference.Random(Hidden * Hidden, 3, -0.5f, 0.5f)), FloatTensor("bk", [Hidden], Reference.Random(Hidden, 4)),
            FloatTensor("wv", [Hidden, Heads * dv], Reference.Random(Hidden * Heads * dv, 5, -0.5f, 0.5f)), FloatTensor("bv", [Heads * dv], Reference.Random(Heads * dv, 6)),
            Int64Tensor("i0", [], 0), Int64Tensor("i1", [], 1), Int64Tensor("ax0", [1], 0), Int64Tensor("ax1", [1], 1), Int64Tensor("ax2", [1], 2),
            Int64Tensor("heads", [1], Heads), Int64Tensor("size", [1], Size), Int64Tensor("vsize", [1], dv), Int64Tensor("merged", [1], Heads * dv),
            FloatTensor("sqrt_d", [], MathF.Sqrt(Size)), FloatTensor("inv_sqrt_d", [], 1 / MathF.Sqrt(Size)),
            FloatTensor("one", [], 1f), FloatTensor("big", [], -10000f),
        };
        var inputs = new List<ValueInfoProto> { Value("x", F32, "batch", "seq", Hidden), Value("attention_mask", I64, "batch", "seq") };

        // A Reshape of `src` whose leading two dimensions are copied, computed the way PyTorch exports it unless constant.
        void Reshape(string src, string dst, params string[] tail)
        {
            if (f.ConstantShapes)
            {
                var dims = tail.Select(t => inits.Single(i => i.Name == t).Int64Data[0]).ToArray();
                inits.Add(Int64Tensor(dst + ".shape", [2 + dims.Length], [0, 0, .. dims]));
            }
            else
            {
                nodes.AddRange(
                [
                    Node("Shape", [src], [dst + ".s0"]), Node("Gather", [dst + ".s0", "i0"], [dst + ".b"], "", Attr("axis", 0L)),
                    Node("Shape", [src], [dst + ".s1"]), Node("Gather", [dst + ".s1", "i1"], [dst + ".l"], "", Attr("axis", 0L)),
                    Node("Unsqueeze", [dst + ".b", "ax0"], [dst + ".ub"]), Node("Unsqueeze", [dst + ".l", "ax0"], [dst + ".ul"]),
                    Node("Concat", [dst + ".ub", dst + ".ul", .. tail], [dst + ".shape"], "", Attr("axis", 0L)),
                ]);
            }
            nodes.Add(Node("Reshape", [src, dst + ".shape"], [dst], dst));
        }

        foreach (var p in new[] { "q", "k", "v" })
            nodes.AddRange([Node("MatMul", ["x", "w" + p], [p + "0"], p + "_proj"), Node("Add", ["b" + p, p + "0"], [p], p + "_bias")]);
        Reshape("q", "q4", "heads", "size");
        Reshape("k", "k4", "heads", "size");
        Reshape("v", "v4", "heads", "vsize");
        nodes.Add(Node("Transpose", ["q4"], ["qh"], "q_t", Ints("perm", 0, 2, 1, 3)));
        if (f.KeyTwoTransposes)
            nodes.AddRange([Node("Transpose", ["k4"], ["kh"], "k_t", Ints("perm", 0, 2, 1, 3)), Node("Transpose", ["kh"], ["kt"], "k_tt", Ints("perm", 0, 1, 3, 2))]);
        else
            nodes.Add(Node("Transpose", ["k4"], ["kt"], "k_t", Ints("perm", 0, 2, 3, 1)));
        nodes.Add(Node("Transpose", ["v4"], ["vh"], "v_t", Ints("perm", 0, 2, 1, 3)));
        nodes.Add(Node("MatMul", ["qh", "kt"], ["scores"], "qk"));
        string scaled = f.Scale switch
        {
            "div" => Add(Node("Div", ["scores", "sqrt_d"], ["scaled"], "scale")),
            "mul" => Add(Node("Mul", ["inv_sqrt_d", "scores"], ["scaled"], "scale")),
            "input" => Add(Node("Div", ["scores", "divisor"], ["scaled"], "scale")),
            _ => "scores",
        };
        if (f.Scale == "input")
            inputs.Add(Value("divisor", F32));
        string? mask = f.Mask switch
        {
            "padding" => PaddingMask(),
            "bias" => "bias",
            "column" => "bias",
            _ => null,
        };
        if (f.Mask == "bias")
            inputs.Add(Value("bias", F32, "batch", 1, "seq", "seq"));
        if (f.Mask == "column")
            inputs.Add(Value("bias", F32, "batch", 1, 1, 1));
        string logits = mask is null ? scaled : Add(Node("Add", f.MaskFirst ? [mask, scaled] : [scaled, mask], ["masked"], "mask"));
        nodes.Add(Node("Softmax", [logits], ["probs"], "softmax", Attr("axis", f.SoftmaxAxis)));
        nodes.Add(Node("MatMul", ["probs", "vh"], ["context"], "pv"));
        nodes.Add(Node("Transpose", ["context"], ["context_t"], "back", Ints("perm", f.OutputPerm)));
        if (f.ConstantShapes)
        {
            inits.Add(Int64Tensor("y.shape", [3], 0, 0, Heads * dv));
            nodes.Add(Node("Reshape", ["context_t", "y.shape"], ["y"], "merge"));
        }
        else
            Reshape("context_t", "y", "merged");

        var outputs = new List<ValueInfoProto> { Value("y", F32, "batch", "seq", Heads * dv) };
        if (f.Exported is { } e)
            outputs.Add(ValueNoShape(e, F32));
        return Model(Graph("attention", nodes, inputs, outputs, [.. inits]), 13);

        string Add(NodeProto n)
        {
            nodes.Add(n);
            return n.Output[0];
        }

        // (1 − float(mask[:, None, None, :]))·−10000, as BERT exports build it.
        string PaddingMask()
        {
            nodes.AddRange(
            [
                Node("Unsqueeze", ["attention_mask", "ax1"], ["m1"]), Node("Unsqueeze", ["m1", "ax2"], ["m2"]),
                Node("Cast", ["m2"], ["mf"], "", Attr("to", (long)F32)), Node("Sub", ["one", "mf"], ["inv"]), Node("Mul", ["inv", "big"], ["additive"]),
            ]);
            return "additive";
        }
    }

    /// <summary>Inputs of batch 2 with padding in the second sequence, and of batch 1.</summary>
    private static NamedTensor[][] Inputs(Form f) => new[] { (2, 5), (1, 7) }.Select((bs, k) =>
    {
        var (b, s) = bs;
        var mask = new long[b * s];
        for (int i = 0; i < b; i++)
            for (int t = 0; t < s; t++)
                mask[i * s + t] = i == 1 && t >= s - 2 ? 0 : 1;
        var list = new List<NamedTensor> { Fusion.Floats("x", 400 + k, -1f, 1f, b, s, Hidden), new("attention_mask", Tensor.FromArray(mask, b, s)) };
        if (f.Mask == "bias")
            list.Add(Fusion.Floats("bias", 500 + k, -3f, 0f, b, 1, s, s));
        if (f.Mask == "column")
            list.Add(Fusion.Floats("bias", 500 + k, -3f, 0f, b, 1, 1, 1));
        if (f.Scale == "input")
            list.Add(new("divisor", Tensor.Scalar(MathF.Sqrt(Size))));
        return list.ToArray();
    }).ToArray();

    private static ConvertResult Check(Form f, bool fused)
    {
        var onnx = Build(f);
        var r = Fusion.Convert(onnx);
        Fusion.AssertMatchesOnnxRuntime(onnx, r, 1e-5, Inputs(f));
        Assert.Equal(fused ? 1 : 0, Fusion.Count(r, OpType.Attention));
        Assert.Equal(fused ? 1 : 0, Fusion.Report(r, "FuseAttention").CountOf("attention blocks fused"));
        if (fused)
            foreach (var op in new[] { OpType.Softmax, OpType.Transpose, OpType.Reshape, OpType.Shape, OpType.Concat, OpType.Div })
                Assert.Equal(0, Fusion.Count(r, op));
        else
            Assert.Equal(1, Fusion.Count(r, OpType.Softmax));
        return r;
    }

    private static NodeDef Fused(ConvertResult r) => Tensors.Single(r.Model, OpType.Attention);

    [Fact]
    public void BertAsPyTorchExportsIt()
    {
        var r = Check(new Form(), fused: true);
        var n = Fused(r);
        Assert.Equal(["q", "k", "v", "additive"], n.Inputs);
        Assert.Equal(["y"], n.Outputs);
        Assert.Equal(Heads, n.Attribute("q_num_heads")!.Int);
        Assert.Equal(Heads, n.Attribute("kv_num_heads")!.Int);
        Assert.Equal(1 / MathF.Sqrt(Size), n.Attribute("scale")!.Float, 1e-7f);
        // The projections and the mask computation stay in front.
        Assert.Equal(3, Fusion.Count(r, OpType.MatMul));
        Assert.Equal(1, Fusion.Count(r, OpType.Cast));
    }

    [Fact]
    public void ConstantShapesMultipliedScaleAndKeysTransposedTwice()
    {
        var n = Fused(Check(new Form { ConstantShapes = true, Scale = "mul", KeyTwoTransposes = true, MaskFirst = true }, fused: true));
        Assert.Equal(1 / MathF.Sqrt(Size), n.Attribute("scale")!.Float, 1e-7f);
    }

    [Fact]
    public void UnscaledWithoutMask()
    {
        var n = Fused(Check(new Form { Scale = "none", Mask = "none" }, fused: true));
        Assert.Equal(3, n.Inputs.Count);
        Assert.Equal(1f, n.Attribute("scale")!.Float);
    }

    [Fact]
    public void PerQueryMaskAndAnotherValueSize()
    {
        var n = Fused(Check(new Form { Mask = "bias", ValueSize = 4 }, fused: true));
        Assert.Equal("bias", n.Inputs[3]);
    }

    [Fact]
    public void AnotherOutputPermIsLeftAlone() => Check(new Form { OutputPerm = [0, 2, 3, 1] }, fused: false);

    [Fact]
    public void SoftmaxOverQueriesIsLeftAlone() => Check(new Form { SoftmaxAxis = 2 }, fused: false);

    [Fact]
    public void MaskOfOneColumnIsLeftAlone() => Check(new Form { Mask = "column" }, fused: false);

    [Fact]
    public void ComputedScaleIsLeftAlone() => Check(new Form { Scale = "input" }, fused: false);

    [Fact]
    public void ProbabilitiesUsedElsewhereAreLeftAlone()
    {
        var r = Check(new Form { Exported = "probs" }, fused: false);
        Assert.Contains(Fusion.Report(r, "FuseAttention").Messages, m => m.Contains("used elsewhere", StringComparison.Ordinal));
    }
}
