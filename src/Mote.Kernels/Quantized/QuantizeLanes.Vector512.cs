using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Quantized;

/// <summary>64 elements per block in 512-bit vectors (the AVX-512 tier), through the cross-platform API.</summary>
internal readonly unsafe struct QuantizeLanes512 : IQuantizeLanes<QuantizeLanes512>
{
    public static int Count => 64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Quantize(float* x, float scale, float zeroPoint, float lo, float hi, byte* y)
    {
        Vector512<float> s = Vector512.Create(scale), z = Vector512.Create(zeroPoint), l = Vector512.Create(lo), h = Vector512.Create(hi);
        Vector512<short> q01 = Vector512.Narrow(One(Vector512.Load(x), s, z, l, h), One(Vector512.Load(x + 16), s, z, l, h));
        Vector512<short> q23 = Vector512.Narrow(One(Vector512.Load(x + 32), s, z, l, h), One(Vector512.Load(x + 48), s, z, l, h));
        // Values are already in the 8-bit range, so the truncating narrows keep them exactly.
        Vector512.Narrow(q01, q23).AsByte().Store(y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> One(Vector512<float> x, Vector512<float> s, Vector512<float> z, Vector512<float> lo, Vector512<float> hi)
    {
        Vector512<float> t = Vector512.Round(x / s) + z;
        t &= Vector512.Equals(t, t); // NaN → 0
        return Vector512.ConvertToInt32Native(Vector512.MinNative(Vector512.MaxNative(t, lo), hi));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dequantize(byte* x, bool signed, int zeroPoint, float scale, float* y)
    {
        Vector512<byte> b = Vector512.Load(x);
        Vector512<short> w0, w1;
        if (signed)
        {
            (w0, w1) = Vector512.Widen(b.AsSByte());
        }
        else
        {
            var (u0, u1) = Vector512.Widen(b);
            (w0, w1) = (u0.AsInt16(), u1.AsInt16()); // 0..255: the same bits as int16
        }
        Vector512<int> z = Vector512.Create(zeroPoint);
        Vector512<float> s = Vector512.Create(scale);
        var (i0, i1) = Vector512.Widen(w0);
        var (i2, i3) = Vector512.Widen(w1);
        (Vector512.ConvertToSingle(i0 - z) * s).Store(y);
        (Vector512.ConvertToSingle(i1 - z) * s).Store(y + 16);
        (Vector512.ConvertToSingle(i2 - z) * s).Store(y + 32);
        (Vector512.ConvertToSingle(i3 - z) * s).Store(y + 48);
    }
}
