using Mote.Kernels.NeuralNet;
using Mote.Kernels.Quantized;

namespace Mote.Kernels.Tests.Quantized;

/// <summary><see cref="Requantize"/> and <see cref="Im2ColQ8"/> against direct formulas, and the quantized kernel table.</summary>
public class QuantizedHelpersTests
{
    [Fact]
    public void RequantizeRoundsHalfToEvenThenSaturates()
    {
        // acc·(0.5·1/1) = 0.5, 1.5, 2.5, -0.5 round to 0, 2, 2, -0, then the zero point is added; ±1000 saturate.
        int[] acc = [1, 3, 5, -1, 1000, -1000];
        var y = new byte[6];
        Requantize.Block(acc, 1, 6, 6, [], [0.5f], [1f], 1f, 10, QuantType8.QU8, y, 6);
        Assert.Equal(new byte[] { 10, 12, 12, 10, 255, 0 }, y);
        Requantize.Block(acc, 1, 6, 6, [], [0.5f], [1f], 1f, -3, QuantType8.QS8, y, 6);
        Assert.Equal(new sbyte[] { -3, -1, -1, -3, 127, -128 }, y.Select(b => (sbyte)b).ToArray());
    }

    [Theory]
    [InlineData(QuantType8.QU8, 7)]
    [InlineData(QuantType8.QS8, -5)]
    public void RequantizeRowsOfEveryLengthMatchTheFormula(QuantType8 type, int zero)
    {
        // Long rows take the vector path, their tails and short rows the scalar one: every length from 1 to 70, ties
        // (odd accumulators at a multiplier of 0.5), saturation on both sides and int32 wrap-around of acc + bias.
        var rng = new Random(11);
        foreach (int cols in Enumerable.Range(1, 70))
        {
            int rows = 3, ld = cols + 3;
            var acc = Enumerable.Range(0, rows * ld).Select(i => i % 5 == 0 ? rng.Next(-41, 41) * 2 + 1 : rng.Next(-700, 700)).ToArray();
            acc[0] = int.MaxValue;
            int[] bias = [5, -3, 0];
            float[] rs = [0.5f, 0.37f, 1f];
            var y = new byte[rows * ld];
            Requantize.Block(acc, rows, cols, ld, bias, rs, [1f], 1f, zero, type, y, ld);
            int lo = type == QuantType8.QU8 ? 0 : -128, hi = type == QuantType8.QU8 ? 255 : 127;
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    double v = Math.Round(unchecked(acc[r * ld + c] + bias[r]) * (double)rs[r], MidpointRounding.ToEven) + zero;
                    int want = (int)Math.Clamp(v, lo, hi);
                    int got = type == QuantType8.QU8 ? y[r * ld + c] : (sbyte)y[r * ld + c];
                    Assert.True(want == got, $"cols {cols} [{r},{c}]: acc {acc[r * ld + c]} + {bias[r]} → {got}, expected {want}");
                }
        }
    }

    [Fact]
    public void RequantizeAppliesBiasAndPerRowAndPerColumnScales()
    {
        var rng = new Random(3);
        int rows = 5, cols = 7, ld = 9;
        var acc = Enumerable.Range(0, rows * ld).Select(_ => rng.Next(-5000, 5000)).ToArray();
        var bias = Enumerable.Range(0, rows).Select(_ => rng.Next(-300, 300)).ToArray();
        var rs = Enumerable.Range(0, rows).Select(_ => (float)rng.NextDouble() * 0.1f).ToArray();
        var cs = Enumerable.Range(0, cols).Select(_ => (float)rng.NextDouble() * 0.1f).ToArray();
        var y = new byte[rows * ld];
        Requantize.Block(acc, rows, cols, ld, bias, rs, cs, 0.02f, 3, QuantType8.QS8, y, ld);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                float m = rs[r] * cs[c] / 0.02f;
                double v = Math.Round((acc[r * ld + c] + bias[r]) * (double)m, MidpointRounding.ToEven) + 3;
                Assert.Equal((sbyte)Math.Clamp(v, -128, 127), (sbyte)y[r * ld + c]);
            }
        Assert.All(Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(cols, ld - cols).Select(c => y[r * ld + c])), b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(new[] { 7, 6 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 })]
    [InlineData(new[] { 9, 8 }, new[] { 3, 2 }, new[] { 2, 3 }, new[] { 2, 1 }, new[] { 2, 0, 1, 3 })]
    [InlineData(new[] { 11 }, new[] { 4 }, new[] { 3 }, new[] { 1 }, new[] { 2, 1 })]
    [InlineData(new[] { 4, 5, 6 }, new[] { 2, 3, 2 }, new[] { 1, 2, 1 }, new[] { 2, 1, 1 }, new[] { 1, 0, 1, 0, 1, 1 })]
    public void Im2ColMatchesDirectIndexing(int[] input, int[] kernel, int[] strides, int[] dilations, int[] pads)
    {
        int r = input.Length, channels = 3;
        var output = new int[r];
        for (int d = 0; d < r; d++)
            output[d] = (input[d] + pads[d] + pads[d + r] - ((kernel[d] - 1) * dilations[d] + 1)) / strides[d] + 1;
        var w = new WindowNd(input, output, kernel, strides, dilations, pads.AsSpan(0, r), pads.AsSpan(r, r));
        var image = new byte[channels * w.InputSize];
        new Random(1).NextBytes(image);
        const byte pad = 0xA5;
        int rows = channels * w.KernelSize, total = w.OutputSize;
        foreach (var (start, count) in new[] { (0, total), (1, total - 2), (total / 2, total - total / 2), (3, 1) })
        {
            int ld = count + 3;
            using var cols = new GuardedMemory<byte>((rows - 1) * ld + count);
            cols.Span.Fill(0x11);
            Im2ColQ8.Build(image, channels, in w, start, count, pad, cols.Span, ld);
            var ki = new int[r];
            var oi = new int[r];
            for (int row = 0; row < rows; row++)
            {
                int c = row / w.KernelSize;
                Unravel(row % w.KernelSize, kernel, ki);
                for (int j = 0; j < count; j++)
                {
                    Unravel(start + j, output, oi);
                    int offset = 0;
                    bool inside = true;
                    for (int d = 0; d < r; d++)
                    {
                        int x = oi[d] * strides[d] - pads[d] + ki[d] * dilations[d];
                        inside &= x >= 0 && x < input[d];
                        offset = offset * input[d] + x;
                    }
                    byte expected = inside ? image[c * w.InputSize + offset] : pad;
                    Assert.Equal(expected, cols.Span[row * ld + j]);
                }
                if (row < rows - 1)
                    for (int j = count; j < ld; j++)
                        Assert.Equal(0x11, cols.Span[row * ld + j]);
            }
        }
    }

    private static void Unravel(int p, int[] shape, int[] index)
    {
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = p % shape[d];
            p /= shape[d];
        }
    }

    [Fact]
    public void RegistryHasAReferenceAndEveryTierForEveryFamily()
    {
        foreach (QuantKernelFamily family in Enum.GetValues<QuantKernelFamily>())
            Assert.Equal(Enum.GetValues<KernelTier>(), QuantKernelRegistry.Of(family).Select(v => v.Tier).ToArray());
        Assert.Equal(QuantKernelRegistry.All.Count, QuantKernelRegistry.All.Select(v => v.Name).Distinct().Count());
    }

    [Fact]
    public void KernelSetChoosesTheWidestSupportedVariant()
    {
        var none = QuantKernelSet.Create(CpuFeatures.None);
        Assert.Equal("QGemmReference", none.QGemm.Name);
        Assert.Equal("QuantizeLinearReference", none.QuantizeLinear.Name);

        var f = CpuFeatures.Detect();
        var set = QuantKernelSet.Create(f);
        KernelTier widest = f.Avx512F ? KernelTier.Avx512 : f.Avx2Fma ? KernelTier.Avx2 : f.Vector128 ? KernelTier.Vector128 : KernelTier.Reference;
        Assert.Equal(widest, set.QuantizeLinear.Tier);
        Assert.Equal(f.Avx512F && !f.Avx512BW ? KernelTier.Avx2 : widest, set.QGemm.Tier);
        if (f.Avx512F && f.Avx512BW)
            Assert.Equal("QGemm8x32Avx512", set.QGemm.Name);
        Assert.Equal(f.Vector128 ? "QGemm4x8Vector128" : "QGemmReference", QuantKernelSet.Create(f.LimitVectorBits(128)).QGemm.Name);
        Assert.Equal(f.Avx2Fma ? "QGemm6x16Avx2" : f.Vector128 ? "QGemm4x8Vector128" : "QGemmReference", QuantKernelSet.Create(f.LimitVectorBits(256)).QGemm.Name);
        Assert.Equal(Enum.GetNames<QuantKernelFamily>().Order(), set.Describe().Select(p => p.Family).Order());
    }
}
