using Mote.Convert.Onnx;
using Mote.Convert.Passes;
using Mote.Convert.Quantization;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Runtime;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary><c>--precision fp16</c>: which constants become float16, and that the converted model computes with exactly those values.</summary>
public sealed class Float16WeightsTests
{
    private const int C = 3, H = 7, W = 5, M = 4, K = 3;

    // Conv (108 weights, 4 biases), Neg (so that nothing fuses), Add of a 140-element constant that float16 cannot hold.
    private static ModelProto ConvAdd(float[] w, float[] b, float[] big) => Model(Graph("g",
        [
            Node("Conv", ["x", "w", "b"], ["c"], "conv", Ints("kernel_shape", K, K), Ints("pads", 1, 1, 1, 1)),
            Node("Neg", ["c"], ["n"], "neg"),
            Node("Add", ["n", "big"], ["y"], "add"),
        ],
        [Value("x", F32, 1, C, H, W)], [Value("y", F32, 1, M, H, W)],
        FloatTensor("w", [M, C, K, K], w), FloatTensor("b", [M], b), FloatTensor("big", [1, M, H, W], big)));

    private static (float[] W, float[] B, float[] Big) Weights()
    {
        var big = Reference.Random(M * H * W, 3);
        big[17] = 1e6f;
        return (Reference.Random(M * C * K * K, 1), Reference.Random(M, 2), big);
    }

    [Fact]
    public void LargeFloatConstantsBecomeFloat16RoundedToNearest()
    {
        var (w, b, big) = Weights();
        var model = Importer.Model(ConvAdd(w, b, big));
        var report = new PassReport("Float16Weights");
        new Float16Weights().Run(model, report);

        var wt = model.Tensor("w");
        Assert.Equal(DataType.Float16, wt.Type);
        var stored = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(wt.Data!.Value.Span).ToArray();
        Assert.Equal(w.Select(v => (Half)v), stored);
        Assert.Equal(DataType.Float32, model.Tensor("b").Type);   // 4 elements: below MinElements
        Assert.Equal(DataType.Float32, model.Tensor("big").Type); // holds 1e6
        Assert.Equal(1, report.CountOf("weights to float16"));
        Assert.Equal(1, report.CountOf("kept float32 (values beyond float16's range)"));
        Assert.Empty(ModelCheck.Problems(model));
    }

    [Fact]
    public void ConvertedModelComputesWithTheRoundedWeightsAndReportsItsError()
    {
        var (w, b, big) = Weights();
        big[17] = 0.5f;
        using var dir = new TempDir();
        var x = Reference.Random(C * H * W, 9);
        var samples = new List<IReadOnlyList<NamedTensor>> { new[] { new NamedTensor("x", Mote.Runtime.Tensor.FromArray(x, 1, C, H, W)) } };
        var result = Converter.Convert(dir.Write(ConvAdd(w, b, big)), new ConvertOptions { Precision = Precision.Fp16, Samples = _ => samples });

        Assert.Equal(DataType.Float16, result.Model.Tensor("w").Type);
        Assert.Equal(DataType.Float16, result.Model.Tensor("big").Type);
        var rounded = w.Select(v => (double)(float)(Half)v).ToArray();
        var expected = Reference.Conv2D(x.Select(v => (double)v).ToArray(), C, H, W, rounded, M, K, K, b.Select(v => (double)v).ToArray(), 1, 1, 1, out _, out _)
            .Select((v, i) => -v + (float)(Half)big[i]).ToArray();
        using var loaded = MoteModel.FromDefinition(result.Model);
        using var session = loaded.CreateSession();
        var y = session.Run(samples[0])["y"].ToSingleArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - y[i]) <= 1e-5 * (Math.Abs(expected[i]) + 1), $"element {i}: {expected[i]} vs {y[i]}");

        // The report compares with the float model: a float16 rounding's worth of error, not zero, not more.
        var output = Assert.Single(result.Accuracy.Outputs);
        Assert.Equal("y", output.Name);
        Assert.Equal(1, output.Samples);
        Assert.InRange(output.MaxRel, 1e-6, 2e-3);
        Assert.InRange(output.MinCosine, 0.99999, 1.0);
        Assert.Equal(["c", "n"], result.Accuracy.Layers.Select(l => l.Tensor).Order());
        Assert.All(result.Accuracy.Layers, l => Assert.InRange(l.SqnrDb, 50, 90));
    }
}
