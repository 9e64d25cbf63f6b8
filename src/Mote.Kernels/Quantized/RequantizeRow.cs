using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mote.Kernels.Quantized;

/// <summary>
/// The vector body of <see cref="Requantize.Block"/> for a row with one multiplier, in the scalar path's float64
/// arithmetic: int32 → float64 is exact, the product is one rounding, then clamping to the integer bounds
/// <c>[lo − zero, hi − zero]</c> and rounding half to even (which commute, the bounds being integers), then the zero
/// point. x64 converts int32 ↔ float64 in one instruction each (<c>vcvtdq2pd</c>, <c>vcvtpd2dq</c> rounding to nearest
/// even, the default mode); elsewhere the portable vectors widen through int64.
/// </summary>
internal static class RequantizeRow
{
    /// <summary>Requantizes the leading whole vectors of <paramref name="a"/>; returns how many values it wrote.</summary>
    public static int Leading(ReadOnlySpan<int> a, int bias, double m, int zero, int lo, int hi, Span<byte> dst)
    {
        if (Avx512F.IsSupported)
            return Avx512(a, bias, m, zero, lo, hi, dst);
        if (Avx.IsSupported)
            return Avx256(a, bias, m, zero, lo, hi, dst);
        return Portable(a, bias, m, zero, lo, hi, dst);
    }

    private static int Avx512(ReadOnlySpan<int> a, int bias, double m, int zero, int lo, int hi, Span<byte> dst)
    {
        var vBias = Vector256.Create(bias);
        var vm = Vector512.Create(m);
        var vLo = Vector512.Create((double)(lo - zero));
        var vHi = Vector512.Create((double)(hi - zero));
        var vZero = Vector512.Create(zero);
        int c = 0;
        for (; c + 16 <= a.Length; c += 16)
        {
            var low = Scale(Vector256.Create(a.Slice(c, 8)) + vBias, vm, vLo, vHi);
            var high = Scale(Vector256.Create(a.Slice(c + 8, 8)) + vBias, vm, vLo, vHi);
            Avx512F.ConvertToVector128Byte(Vector512.Create(low, high) + vZero).CopyTo(dst.Slice(c, 16));
        }
        return c;

        static Vector256<int> Scale(Vector256<int> v, Vector512<double> m, Vector512<double> lo, Vector512<double> hi) =>
            Avx512F.ConvertToVector256Int32(Avx512F.Min(Avx512F.Max(Avx512F.ConvertToVector512Double(v) * m, lo), hi));
    }

    private static int Avx256(ReadOnlySpan<int> a, int bias, double m, int zero, int lo, int hi, Span<byte> dst)
    {
        var vBias = Vector128.Create(bias);
        var vm = Vector256.Create(m);
        var vLo = Vector256.Create((double)(lo - zero));
        var vHi = Vector256.Create((double)(hi - zero));
        var vZero = Vector128.Create(zero);
        int c = 0;
        for (; c + 4 <= a.Length; c += 4)
        {
            var d = Avx.Min(Avx.Max(Avx.ConvertToVector256Double(Vector128.Create(a.Slice(c, 4)) + vBias) * vm, vLo), vHi);
            var q = Avx.ConvertToVector128Int32(d) + vZero;
            dst[c] = (byte)q.GetElement(0);
            dst[c + 1] = (byte)q.GetElement(1);
            dst[c + 2] = (byte)q.GetElement(2);
            dst[c + 3] = (byte)q.GetElement(3);
        }
        return c;
    }

    private static int Portable(ReadOnlySpan<int> a, int bias, double m, int zero, int lo, int hi, Span<byte> dst)
    {
        if (!Vector.IsHardwareAccelerated)
            return 0;
        int n = Vector<int>.Count, c = 0;
        var vBias = new Vector<int>(bias);
        var vm = new Vector<double>(m);
        var vLo = new Vector<double>(lo - zero);
        var vHi = new Vector<double>(hi - zero);
        Span<int> q = stackalloc int[n];
        for (; c + n <= a.Length; c += n)
        {
            var v = new Vector<int>(a[c..]) + vBias; // wraps, like the scalar's unchecked add
            Vector.Widen(v, out Vector<long> low, out Vector<long> high);
            var qLow = Vector.ConvertToInt64(Vector.Round(Vector.Min(Vector.Max(Vector.ConvertToDouble(low) * vm, vLo), vHi)));
            var qHigh = Vector.ConvertToInt64(Vector.Round(Vector.Min(Vector.Max(Vector.ConvertToDouble(high) * vm, vLo), vHi)));
            Vector.Narrow(qLow, qHigh).CopyTo(q);
            for (int i = 0; i < n; i++)
                dst[c + i] = (byte)(q[i] + zero);
        }
        return c;
    }
}
