using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Quantized;

/// <summary>32 elements per block in 256-bit vectors (the AVX2 tier), through the cross-platform API.</summary>
internal readonly unsafe struct QuantizeLanes256 : IQuantizeLanes<QuantizeLanes256>
{
    public static int Count => 32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Quantize(float* x, float scale, float zeroPoint, float lo, float hi, byte* y)
    {
        Vector256<float> s = Vector256.Create(scale), z = Vector256.Create(zeroPoint), l = Vector256.Create(lo), h = Vector256.Create(hi);
        Vector256<short> q01 = Vector256.Narrow(One(Vector256.Load(x), s, z, l, h), One(Vector256.Load(x + 8), s, z, l, h));
        Vector256<short> q23 = Vector256.Narrow(One(Vector256.Load(x + 16), s, z, l, h), One(Vector256.Load(x + 24), s, z, l, h));
        // Values are already in the 8-bit range, so the truncating narrows keep them exactly.
        Vector256.Narrow(q01, q23).AsByte().Store(y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> One(Vector256<float> x, Vector256<float> s, Vector256<float> z, Vector256<float> lo, Vector256<float> hi)
    {
        Vector256<float> t = Vector256.Round(x / s) + z;
        t &= Vector256.Equals(t, t); // NaN → 0
        return Vector256.ConvertToInt32Native(Vector256.MinNative(Vector256.MaxNative(t, lo), hi));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dequantize(byte* x, bool signed, int zeroPoint, float scale, float* y)
    {
        Vector256<byte> b = Vector256.Load(x);
        Vector256<short> w0, w1;
        if (signed)
        {
            (w0, w1) = Vector256.Widen(b.AsSByte());
        }
        else
        {
            var (u0, u1) = Vector256.Widen(b);
            (w0, w1) = (u0.AsInt16(), u1.AsInt16()); // 0..255: the same bits as int16
        }
        Vector256<int> z = Vector256.Create(zeroPoint);
        Vector256<float> s = Vector256.Create(scale);
        var (i0, i1) = Vector256.Widen(w0);
        var (i2, i3) = Vector256.Widen(w1);
        (Vector256.ConvertToSingle(i0 - z) * s).Store(y);
        (Vector256.ConvertToSingle(i1 - z) * s).Store(y + 8);
        (Vector256.ConvertToSingle(i2 - z) * s).Store(y + 16);
        (Vector256.ConvertToSingle(i3 - z) * s).Store(y + 24);
    }
}
