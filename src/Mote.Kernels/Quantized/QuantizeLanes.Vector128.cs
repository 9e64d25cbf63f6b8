using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Quantized;

/// <summary>16 elements per block in 128-bit vectors (SSE on x64, NEON on ARM64), through the cross-platform API.</summary>
internal readonly unsafe struct QuantizeLanes128 : IQuantizeLanes<QuantizeLanes128>
{
    public static int Count => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Quantize(float* x, float scale, float zeroPoint, float lo, float hi, byte* y)
    {
        Vector128<float> s = Vector128.Create(scale), z = Vector128.Create(zeroPoint), l = Vector128.Create(lo), h = Vector128.Create(hi);
        Vector128<short> q01 = Vector128.Narrow(One(Vector128.Load(x), s, z, l, h), One(Vector128.Load(x + 4), s, z, l, h));
        Vector128<short> q23 = Vector128.Narrow(One(Vector128.Load(x + 8), s, z, l, h), One(Vector128.Load(x + 12), s, z, l, h));
        // Values are already in the 8-bit range, so the truncating narrows keep them exactly.
        Vector128.Narrow(q01, q23).AsByte().Store(y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> One(Vector128<float> x, Vector128<float> s, Vector128<float> z, Vector128<float> lo, Vector128<float> hi)
    {
        Vector128<float> t = Vector128.Round(x / s) + z;
        t &= Vector128.Equals(t, t); // NaN → 0
        return Vector128.ConvertToInt32Native(Vector128.MinNative(Vector128.MaxNative(t, lo), hi));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dequantize(byte* x, bool signed, int zeroPoint, float scale, float* y)
    {
        Vector128<byte> b = Vector128.Load(x);
        Vector128<short> w0, w1;
        if (signed)
        {
            (w0, w1) = Vector128.Widen(b.AsSByte());
        }
        else
        {
            var (u0, u1) = Vector128.Widen(b);
            (w0, w1) = (u0.AsInt16(), u1.AsInt16()); // 0..255: the same bits as int16
        }
        Vector128<int> z = Vector128.Create(zeroPoint);
        Vector128<float> s = Vector128.Create(scale);
        var (i0, i1) = Vector128.Widen(w0);
        var (i2, i3) = Vector128.Widen(w1);
        (Vector128.ConvertToSingle(i0 - z) * s).Store(y);
        (Vector128.ConvertToSingle(i1 - z) * s).Store(y + 4);
        (Vector128.ConvertToSingle(i2 - z) * s).Store(y + 8);
        (Vector128.ConvertToSingle(i3 - z) * s).Store(y + 12);
    }
}
