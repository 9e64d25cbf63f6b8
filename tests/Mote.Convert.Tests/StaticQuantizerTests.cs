using Mote.Convert.Onnx;
using Mote.Convert.Quantization;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Runtime;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>The int8 rewrite on a small network: what runs in integers, what stays float, and how close it stays to the float model.</summary>
public sealed class StaticQuantizerTests
{
    // x → Conv+Relu (a) → MaxPool (p) → [Conv 1×1 (+Relu) (b), Conv 3×3+Relu (c)] → Concat (cat) → Conv 1×1+LeakyRelu (y).
    private static ModelProto Network(bool reluB = true) => Model(Graph("g",
        [
            Node("Conv", ["x", "wa", "ba"], ["a0"], "conv_a", Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1)),
            Node("Relu", ["a0"], ["a"], "relu_a"),
            Node("MaxPool", ["a"], ["p"], "pool", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)),
            Node("Conv", ["p", "wb", "bb"], ["b0"], "conv_b", Ints("kernel_shape", 1, 1)),
            Node(reluB ? "Relu" : "Identity", ["b0"], ["b"], "relu_b"),
            Node("Conv", ["p", "wc"], ["c0"], "conv_c", Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1)),
            Node("Relu", ["c0"], ["c"], "relu_c"),
            Node("Concat", ["b", "c"], ["cat"], "cat", Attr("axis", 1L)),
            Node("Conv", ["cat", "wd", "bd"], ["d0"], "conv_d", Ints("kernel_shape", 1, 1)),
            Node("LeakyRelu", ["d0"], ["y"], "leaky", Attr("alpha", 0.1f)),
        ],
        [Value("x", F32, 1, 3, 10, 10)], [Value("y", F32, 1, 4, 5, 5)],
        FloatTensor("wa", [8, 3, 3, 3], Reference.Random(8 * 27, 1, -0.5f, 0.5f)), FloatTensor("ba", [8], Reference.Random(8, 2)),
        FloatTensor("wb", [6, 8, 1, 1], Reference.Random(48, 3, -0.5f, 0.5f)), FloatTensor("bb", [6], Reference.Random(6, 4)),
        FloatTensor("wc", [6, 8, 3, 3], Reference.Random(6 * 72, 5, -0.3f, 0.3f)),
        FloatTensor("wd", [4, 12, 1, 1], Reference.Random(48, 6, -0.5f, 0.5f)), FloatTensor("bd", [4], Reference.Random(4, 7))));

    private static List<IReadOnlyList<NamedTensor>> Samples(int count) => Enumerable.Range(0, count)
        .Select(s => (IReadOnlyList<NamedTensor>)[new NamedTensor("x", Mote.Runtime.Tensor.FromArray(Reference.Random(300, 100 + s, 0f, 1f), 1, 3, 10, 10))])
        .ToList();

    [Theory]
    [InlineData(CalibrationMethod.MinMax)]
    [InlineData(CalibrationMethod.Percentile)]
    [InlineData(CalibrationMethod.Entropy)]
    public void ConvolutionsPoolingAndConcatRunInIntegersAndStayClose(CalibrationMethod method)
    {
        using var dir = new TempDir();
        var samples = Samples(8);
        var result = Converter.Convert(dir.Write(Network()), new ConvertOptions
        {
            Precision = Precision.Int8, Samples = _ => samples, Calibration = new CalibrationOptions { Method = method },
        });
        var report = Assert.Single(result.Passes, p => p.Pass == "QuantizeInt8");
        Assert.Equal(3, report.CountOf("Conv → QLinearConv"));
        Assert.Equal(1, report.CountOf("Conv kept float: fused LeakyRelu"));
        Assert.Equal(1, report.CountOf("MaxPool on uint8"));
        Assert.Equal(1, report.CountOf("Concat on uint8"));

        var model = result.Model;
        Assert.Empty(ModelCheck.Problems(model));
        var nodes = model.Graph.Nodes;
        Assert.Single(nodes, n => n.Op == OpType.QuantizeLinear);     // once, at the input
        Assert.Single(nodes, n => n.Op == OpType.DequantizeLinear);   // once, before the float convolution
        Assert.Equal(DataType.UInt8, model.Tensor(Assert.Single(nodes, n => n.Op == OpType.MaxPool).Inputs[0]).Type);
        var concat = Assert.Single(nodes, n => n.Op == OpType.Concat);
        Assert.All(concat.Inputs, i => Assert.Equal(DataType.UInt8, model.Tensor(i).Type));
        // The Concat's inputs share its parameters.
        var quant = concat.Inputs.Select(i => model.Tensor(i).Quant!).ToList();
        Assert.Equal(quant[0].Scales, quant[1].Scales);
        Assert.Equal(quant[0].ZeroPoints, quant[1].ZeroPoints);
        // A ReLU output's range starts at 0: zero point 0, and saturation is the ReLU.
        var convA = Assert.Single(nodes, n => n.Op == OpType.QLinearConv && n.Name == "conv_a");
        Assert.Equal([0], model.Tensor(convA.Outputs[0]).Quant!.ZeroPoints);
        Assert.Equal(DataType.Int8, model.Tensor(convA.Inputs[3]).Type);

        var output = Assert.Single(result.Accuracy.Outputs);
        Assert.Equal(8, output.Samples);
        Assert.True(output.MinCosine >= 0.999, $"cosine {output.MinCosine}");
        Assert.True(output.MaxRel is > 0 and <= 0.1, $"max rel {output.MaxRel}"); // entropy clips the most
        Assert.Contains(result.Accuracy.Layers, l => l.Tensor == "cat");
        Assert.All(result.Accuracy.Layers, l => Assert.InRange(l.SqnrDb, 20, 80));
    }

    [Fact]
    public void BiasCorrectionMovesEachConvolutionsBiasAndStaysClose()
    {
        using var dir = new TempDir();
        var path = dir.Write(Network());
        var samples = Samples(8);
        ConvertResult Convert(bool correct) => Converter.Convert(path, new ConvertOptions
        {
            Precision = Precision.Int8, Samples = _ => samples, Calibration = new CalibrationOptions { BiasCorrection = correct },
        });
        var plain = Convert(false);
        var corrected = Convert(true);
        Assert.Equal(3, corrected.Passes.Single(p => p.Pass == "QuantizeInt8").CountOf("convolutions bias-corrected"));
        var biases = (ConvertResult r) => r.Model.Graph.Nodes.Where(n => n.Op == OpType.QLinearConv)
            .SelectMany(n => TensorData.ToDoubles(r.Model.Tensor(n.Inputs[8]))).ToArray();
        Assert.NotEqual(biases(plain), biases(corrected));
        Assert.True(Assert.Single(corrected.Accuracy.Outputs).MinCosine >= 0.999);
        // The first convolution's input is the same in both (the quantized model input): removing its channels' mean
        // error on these samples can only lower its squared error there.
        double Sqnr(ConvertResult r) => r.Accuracy.Layers.Single(l => l.Tensor == "a").SqnrDb;
        Assert.True(Sqnr(corrected) >= Sqnr(plain) - 0.1, $"layer a: {Sqnr(corrected):F2} dB corrected, {Sqnr(plain):F2} dB plain");
    }

    [Fact]
    public void AReluBranchConcatenatedWithASignedOneKeepsItsClamp()
    {
        // The Concat's range reaches below 0 (branch b is signed): sharing it would let branch c's negative sums
        // through its implied ReLU, so the branches keep their own parameters and the Concat runs in float.
        using var dir = new TempDir();
        var samples = Samples(8);
        var result = Converter.Convert(dir.Write(Network(reluB: false)), new ConvertOptions { Precision = Precision.Int8, Samples = _ => samples });
        var report = Assert.Single(result.Passes, p => p.Pass == "QuantizeInt8");
        Assert.Equal(3, report.CountOf("Conv → QLinearConv"));
        Assert.Equal(0, report.CountOf("Concat on uint8"));
        var output = Assert.Single(result.Accuracy.Outputs);
        Assert.True(output.MinCosine >= 0.999, $"cosine {output.MinCosine}");
        Assert.All(result.Accuracy.Layers, l => Assert.InRange(l.SqnrDb, 20, 80));
    }

    [Fact]
    public void KeepFloatLeavesTheNamedConvolutionAndInt8NeedsSamples()
    {
        using var dir = new TempDir();
        var path = dir.Write(Network());
        var samples = Samples(3);
        var result = Converter.Convert(path, new ConvertOptions { Precision = Precision.Int8, Samples = _ => samples, KeepFloat = new HashSet<string> { "conv_c" } });
        var report = Assert.Single(result.Passes, p => p.Pass == "QuantizeInt8");
        Assert.Equal(2, report.CountOf("Conv → QLinearConv"));
        Assert.Equal(1, report.CountOf("Conv kept float: kept float as asked"));
        Assert.Contains(result.Model.Graph.Nodes, n => n.Op == OpType.Conv && n.Name == "conv_c");

        var e = Assert.Throws<MoteInputException>(() => Converter.Convert(path, new ConvertOptions { Precision = Precision.Int8 }));
        Assert.Contains("--calibration", e.Message);
    }
}
