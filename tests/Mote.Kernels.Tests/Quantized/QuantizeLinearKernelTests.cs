using Mote.Kernels.Quantized;

namespace Mote.Kernels.Tests.Quantized;

/// <summary>Every per-tensor (de)quantization variant against the scalar formulas, every length 0..257, guarded.</summary>
public class QuantizeLinearKernelTests
{
    public static TheoryData<string> Variants()
    {
        var d = new TheoryData<string>();
        foreach (var v in QuantKernelRegistry.Of(QuantKernelFamily.QuantizeLinear))
            d.Add(v.Name);
        return d;
    }

    private static QuantizeLinearKernel? Kernel(string name)
    {
        var v = QuantKernelRegistry.All.Single(x => x.Name == name);
        return v.IsSupportedBy(CpuFeatures.Detect()) ? (QuantizeLinearKernel)v.Kernel : null;
    }

    /// <summary>Values that break rounding and saturation: ties, ±0, NaN, ±∞, the range ends and just past them.</summary>
    private static float[] EdgeValues(float scale) =>
    [
        0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue, float.Epsilon,
        0.5f * scale, 1.5f * scale, 2.5f * scale, -0.5f * scale, -1.5f * scale, -2.5f * scale, 127.5f * scale, -128.5f * scale,
        254.5f * scale, 255.5f * scale, 127f * scale, 128f * scale, -128f * scale, -129f * scale, 255f * scale, 256f * scale, 1e9f, -1e9f,
        3e7f * scale, -3e7f * scale,
    ];

    private static float[] Input(int n, int seed, float scale)
    {
        var rng = new Random(seed);
        var edge = EdgeValues(scale);
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = rng.Next(4) == 0 ? edge[rng.Next(edge.Length)] : (float)(rng.NextDouble() * 400 - 200) * scale;
        return x;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void QuantizeMatchesReference_EveryLength(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        foreach (var type in new[] { QuantType8.QU8, QuantType8.QS8 })
            foreach (var (scale, zero) in new[] { (1f, 0), (0.25f, type.Max()), (0.0371f, type.Min()), (-0.5f, type == QuantType8.QS8 ? -3 : 100), (3e-3f, type == QuantType8.QS8 ? 7 : 128) })
                for (int n = 0; n <= 257; n++)
                {
                    var x = Input(n, n * 31 + zero, scale);
                    var expected = new byte[n];
                    for (int i = 0; i < n; i++)
                        expected[i] = (byte)QuantizeReference.Quantize(x[i], scale, zero, type.Min(), type.Max());
                    using var gx = GuardedMemory<float>.From(x);
                    using var gy = new GuardedMemory<byte>(n);
                    kernel.Quantize(gx.Span, scale, zero, type, gy.Span);
                    for (int i = 0; i < n; i++)
                        if (gy.Span[i] != expected[i])
                            Assert.Fail($"{name} {type} n={n} scale={scale} zp={zero}: y[{i}] = {gy.Span[i]} for x = {x[i]:R}, expected {expected[i]}");
                }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void DequantizeMatchesReference_EveryLength(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        foreach (var type in new[] { QuantType8.QU8, QuantType8.QS8 })
            foreach (var (scale, zero) in new[] { (1f, 0), (0.0371f, type.Max()), (-2.5f, type.Min()), (float.NaN, 1) })
                for (int n = 0; n <= 257; n++)
                {
                    var rng = new Random(n);
                    var x = new byte[n];
                    rng.NextBytes(x);
                    using var gx = GuardedMemory<byte>.From(x);
                    using var gy = new GuardedMemory<float>(n);
                    kernel.Dequantize(gx.Span, type, zero, scale, gy.Span);
                    for (int i = 0; i < n; i++)
                    {
                        float e = (float)(type.Read(x[i]) - zero) * scale;
                        if (BitConverter.SingleToInt32Bits(gy.Span[i]) != BitConverter.SingleToInt32Bits(e) && !(float.IsNaN(e) && float.IsNaN(gy.Span[i])))
                            Assert.Fail($"{name} {type} n={n}: y[{i}] = {gy.Span[i]:R}, expected {e:R}");
                    }
                }
    }

    [Fact]
    public void ReferenceFormulaFollowsTheSpec()
    {
        // Round half to even, then the zero point, then saturation; NaN → 0.
        Assert.Equal(0, QuantizeReference.Quantize(0.5f, 1f, 0, 0, 255));
        Assert.Equal(2, QuantizeReference.Quantize(1.5f, 1f, 0, 0, 255));
        Assert.Equal(2, QuantizeReference.Quantize(2.5f, 1f, 0, 0, 255));
        Assert.Equal(-2, QuantizeReference.Quantize(-2.5f, 1f, 0, -128, 127));
        Assert.Equal(128, QuantizeReference.Quantize(-0.5f, 1f, 128, 0, 255));
        Assert.Equal(255, QuantizeReference.Quantize(300f, 1f, 0, 0, 255));
        Assert.Equal(-128, QuantizeReference.Quantize(-128.5f, 1f, 0, -128, 127));
        Assert.Equal(127, QuantizeReference.Quantize(float.PositiveInfinity, 1f, 0, -128, 127));
        Assert.Equal(0, QuantizeReference.Quantize(float.NaN, 1f, 100, 0, 255));
        Assert.Equal(65535, QuantizeReference.Quantize(1e6f, 1f, 0, 0, 65535));
        Assert.Equal(-6f, QuantizeReference.Dequantize(-2, 1, 2f));
    }

    [Fact]
    public void RejectsOutOfRangeZeroPointAndLengthMismatch()
    {
        var k = (QuantizeLinearKernel)QuantKernelRegistry.Of(QuantKernelFamily.QuantizeLinear).Last().Kernel;
        Assert.Throws<ArgumentOutOfRangeException>(() => k.Quantize(new float[3], 1f, 128, QuantType8.QS8, new byte[3]));
        Assert.Throws<ArgumentException>(() => k.Dequantize(new byte[3], QuantType8.QU8, 0, 1f, new float[2]));
    }
}
