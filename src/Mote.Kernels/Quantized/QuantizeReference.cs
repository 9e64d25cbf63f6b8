using System.Numerics;

namespace Mote.Kernels.Quantized;

/// <summary>
/// The scalar linear (de)quantization formulas of ONNX QuantizeLinear / DequantizeLinear, element by
/// element: what the vectorized <see cref="QuantizeLinearKernel"/> variants are tested against, and what
/// operators use for the per-axis, blocked and 16-bit cases.
/// </summary>
/// <remarks>
/// Quantize: <c>q = clamp(roundHalfEven(x / scale) + zeroPoint, lo, hi)</c>, the division in f32 (the
/// precision of the scale). NaN has no integer image: it quantizes to 0 (the value ONNX's reference
/// implementation and ONNX Runtime's scalar path produce), ±∞ saturate. Dequantize:
/// <c>x = (q − zeroPoint) · scale</c>, the difference exact in integers, one f32 rounding.
/// </remarks>
public static class QuantizeReference
{
    /// <summary>One value quantized into [<paramref name="lo"/>, <paramref name="hi"/>] (which must contain 0).</summary>
    public static int Quantize(float x, float scale, int zeroPoint, int lo, int hi)
    {
        float r = MathF.Round(x / scale, MidpointRounding.ToEven);
        if (float.IsNaN(r))
            return 0;
        // In double so that a large quotient cannot round back into range before the clamp.
        double v = (double)r + zeroPoint;
        return v <= lo ? lo : v >= hi ? hi : (int)v;
    }

    /// <summary>One value dequantized.</summary>
    public static float Dequantize(int q, int zeroPoint, float scale) => (float)(q - zeroPoint) * scale;

    /// <summary>Quantizes <paramref name="x"/> into <paramref name="y"/> (same length), saturating to <typeparamref name="T"/>'s range.</summary>
    public static void Quantize<T>(ReadOnlySpan<float> x, float scale, int zeroPoint, Span<T> y) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (y.Length != x.Length)
            throw new ArgumentException($"Output holds {y.Length} elements, input {x.Length}.", nameof(y));
        int lo = int.CreateTruncating(T.MinValue), hi = int.CreateTruncating(T.MaxValue);
        for (int i = 0; i < x.Length; i++)
            y[i] = T.CreateTruncating(Quantize(x[i], scale, zeroPoint, lo, hi));
    }

    /// <summary>Dequantizes <paramref name="x"/> into <paramref name="y"/> (same length).</summary>
    public static void Dequantize<T>(ReadOnlySpan<T> x, int zeroPoint, float scale, Span<float> y) where T : unmanaged, IBinaryInteger<T>
    {
        if (y.Length != x.Length)
            throw new ArgumentException($"Output holds {y.Length} elements, input {x.Length}.", nameof(y));
        for (int i = 0; i < x.Length; i++)
            y[i] = Dequantize(int.CreateTruncating(x[i]), zeroPoint, scale);
    }
}
