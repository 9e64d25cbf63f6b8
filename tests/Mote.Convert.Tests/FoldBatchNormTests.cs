using Mote.Convert.Onnx;
using Mote.Convert.Passes;
using Mote.Convert.Tests.Support;
using Mote.Format;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>Conv + BatchNormalization folding, checked numerically against a direct convolution and BN.</summary>
public sealed class FoldBatchNormTests
{
    private const int C = 4, H = 5, W = 6, M = 6, K = 3, Group = 2, Stride = 2, Pad = 1;

    private static (ModelProto Model, float[] W, float[] B, float[][] Bn) ConvBn(int elemType = F32, bool withBias = true, string extraReader = "")
    {
        var w = Reference.Random(M * (C / Group) * K * K, 1);
        var b = Reference.Random(M, 2);
        var bn = new[] { Reference.Random(M, 3, 0.5f, 2f), Reference.Random(M, 4), Reference.Random(M, 5), Reference.Random(M, 6, 0.1f, 3f) };
        var inits = new List<TensorProto> { Tensor("w", elemType, [M, C / Group, K, K], w), FloatTensor("b", [M], b),
            FloatTensor("s", [M], bn[0]), FloatTensor("bb", [M], bn[1]), FloatTensor("mean", [M], bn[2]), FloatTensor("var", [M], bn[3]) };
        var nodes = new List<NodeProto>
        {
            Node("Conv", withBias ? ["x", "w", "b"] : ["x", "w"], ["c"], "conv", Ints("kernel_shape", K, K), Ints("strides", Stride, Stride), Ints("pads", Pad, Pad, Pad, Pad), Attr("group", (long)Group)),
            Node("BatchNormalization", ["c", "s", "bb", "mean", "var"], ["y"], "bn", Attr("epsilon", 1e-3f)),
        };
        var outputs = new List<ValueInfoProto> { Value("y", elemType, 1, M, 3, 3) };
        if (extraReader.Length > 0)
        {
            nodes.Add(Node("Relu", ["c"], [extraReader], "extra"));
            outputs.Add(Value(extraReader, elemType, 1, M, 3, 3));
        }
        return (Model(Graph("g", nodes, [Value("x", elemType, 1, C, H, W)], outputs, [.. inits])), w, b, bn);
    }

    private static TensorProto Tensor(string name, int type, long[] dims, float[] v)
    {
        if (type == F32)
            return FloatTensor(name, dims, v);
        var t = new TensorProto { Name = name, DataType = type };
        t.Dims.AddRange(dims);
        t.Int32Data.AddRange(v.Select(f => (int)BitConverter.HalfToUInt16Bits((Half)f)));
        return t;
    }

    private static double[] D(IEnumerable<float> v) => v.Select(f => (double)f).ToArray();

    private static double[] Values(TensorDef t) => t.Type switch
    {
        DataType.Float32 => D(Tensors.Floats(t)),
        DataType.Float16 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(t.Data!.Value.Span).ToArray().Select(h => (double)h).ToArray(),
        _ => throw new NotSupportedException(),
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FoldedConvMatchesConvThenBatchNorm(bool withBias)
    {
        var (proto, w, b, bn) = ConvBn(withBias: withBias);
        var model = Importer.Model(proto);
        var report = new PassReport("FoldBatchNorm");
        new FoldBatchNorm().Run(model, report);
        Assert.Equal(1, report.CountOf("Conv+BatchNormalization folded"));
        Assert.Empty(ModelCheck.Problems(model));
        var conv = Assert.Single(model.Graph.Nodes);
        Assert.Equal(OpType.Conv, conv.Op);
        Assert.Equal(["y"], conv.Outputs);
        Assert.False(model.Tensors.ContainsKey("c"));

        var x = D(Reference.Random(C * H * W, 7));
        var expected = Reference.BatchNorm(
            Reference.Conv2D(x, C, H, W, D(w), M, K, K, withBias ? D(b) : null, Stride, Pad, Group, out _, out _),
            M, D(bn[0]), D(bn[1]), D(bn[2]), D(bn[3]), 1e-3f);
        var folded = Reference.Conv2D(x, C, H, W, Values(model.Tensor(conv.Inputs[1])), M, K, K, Values(model.Tensor(conv.Inputs[2])), Stride, Pad, Group, out _, out _);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - folded[i]) <= 1e-5 * (Math.Abs(expected[i]) + 1), $"element {i}: {expected[i]} vs {folded[i]}");
        // The original weights are untouched (they may be shared).
        Assert.Equal(w, Tensors.Floats(model.Tensor("w")));
    }

    [Fact]
    public void Float16WeightsStayFloat16()
    {
        var (proto, w, b, bn) = ConvBn(elemType: F16);
        var model = Importer.Model(proto);
        new FoldBatchNorm().Run(model, new PassReport(""));
        var conv = Assert.Single(model.Graph.Nodes);
        var newW = model.Tensor(conv.Inputs[1]);
        Assert.Equal(DataType.Float16, newW.Type);
        Assert.Equal(DataType.Float16, model.Tensor(conv.Inputs[2]).Type);
        var x = D(Reference.Random(C * H * W, 7));
        var wHalf = w.Select(f => (double)(Half)f).ToArray();
        var expected = Reference.BatchNorm(Reference.Conv2D(x, C, H, W, wHalf, M, K, K, D(b), Stride, Pad, Group, out _, out _),
            M, D(bn[0]), D(bn[1]), D(bn[2]), D(bn[3]), 1e-3f);
        var folded = Reference.Conv2D(x, C, H, W, Values(newW), M, K, K, Values(model.Tensor(conv.Inputs[2])), Stride, Pad, Group, out _, out _);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - folded[i]) <= 1e-2 * (Math.Abs(expected[i]) + 1), $"element {i}: {expected[i]} vs {folded[i]}");
    }

    [Fact]
    public void ConvOutputWithAnotherReaderIsNotFolded()
    {
        var (proto, _, _, _) = ConvBn(extraReader: "r");
        var model = Importer.Model(proto);
        var report = new PassReport("");
        new FoldBatchNorm().Run(model, report);
        Assert.False(report.Changed);
        Assert.Contains(model.Graph.Nodes, n => n.Op == OpType.BatchNormalization);
    }

    [Fact]
    public void StandaloneBatchNormStays()
    {
        var inits = new[] { FloatTensor("s", [2], 1, 2), FloatTensor("bb", [2], 0, 0), FloatTensor("mean", [2], 0, 0), FloatTensor("var", [2], 1, 1) };
        var model = Importer.Model(Model(Graph("g", [Node("BatchNormalization", ["x", "s", "bb", "mean", "var"], ["y"])],
            [Value("x", F32, 1, 2, 2, 2)], [Value("y", F32, 1, 2, 2, 2)], inits)));
        new FoldBatchNorm().Run(model, new PassReport(""));
        Assert.Equal(OpType.BatchNormalization, Assert.Single(model.Graph.Nodes).Op);
    }

    [Fact]
    public void RealModelFoldsMatchConvThenBatchNorm()
    {
        // Every Conv+BN pair of UltraFace slim, folded, against the unfolded pair on a random input.
        string file = SharedData.Model("ultraface", "version-slim-320.onnx");
        var original = OnnxImporter.Import(file).Model;
        var folded = OnnxImporter.Import(file).Model;
        new FoldBatchNorm().Run(folded, new PassReport(""));
        int checkedPairs = 0;
        foreach (var bn in original.Graph.Nodes.Where(n => n.Op == OpType.BatchNormalization))
        {
            var conv = original.Graph.Nodes.Single(n => n.Outputs[0] == bn.Inputs[0]);
            var fconv = folded.Graph.Nodes.Single(n => n.Op == OpType.Conv && n.Outputs[0] == bn.Outputs[0]);
            var w = original.Tensor(conv.Inputs[1]);
            var shape = w.FixedShape();
            int m = (int)shape[0], cg = (int)shape[1], kh = (int)shape[2], kw = (int)shape[3];
            int group = (int)(conv.Attribute("group")?.Int ?? 1);
            int stride = (int)(conv.Attribute("strides")?.Ints![0] ?? 1);
            int pad = (int)(conv.Attribute("pads")?.Ints![0] ?? 0);
            int c = cg * group, h = 7, wd = 6;
            var x = D(Reference.Random(c * h * wd, checkedPairs));
            double[] P(int i) => D(Tensors.Floats(original.Tensor(bn.Inputs[i])));
            double eps = bn.Attribute("epsilon")?.Float ?? 1e-5f;
            var expected = Reference.BatchNorm(
                Reference.Conv2D(x, c, h, wd, D(Tensors.Floats(w)), m, kh, kw, conv.Inputs.Count > 2 ? D(Tensors.Floats(original.Tensor(conv.Inputs[2]))) : null, stride, pad, group, out _, out _),
                m, P(1), P(2), P(3), P(4), eps);
            var actual = Reference.Conv2D(x, c, h, wd, D(Tensors.Floats(folded.Tensor(fconv.Inputs[1]))), m, kh, kw, D(Tensors.Floats(folded.Tensor(fconv.Inputs[2]))), stride, pad, group, out _, out _);
            double maxErr = expected.Zip(actual, (e, a) => Math.Abs(e - a) / (Math.Abs(e) + 1)).Max();
            Assert.True(maxErr < 1e-5, $"{conv.Describe()}: relative error {maxErr}");
            checkedPairs++;
        }
        Assert.Equal(25, checkedPairs);
    }
}
