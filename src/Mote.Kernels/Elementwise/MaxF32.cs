using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Elementwise;

/// <summary>
/// The largest element of a span, for shifting softmax rows. NaN is not sticky here (the native
/// max instructions may drop it): callers only need a finite shift, and a NaN element still poisons
/// the softmax sum. The tail is an overlapping last vector (max is idempotent).
/// </summary>
public static class MaxF32
{
    /// <summary>max(x) for a non-empty span; −∞ for an empty one.</summary>
    public static float Max(ReadOnlySpan<float> x, SimdWidth width)
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        nuint n = (nuint)x.Length;
        if (width >= SimdWidth.V512 && Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            nuint step = (nuint)Vector512<float>.Count;
            var acc = Vector512.LoadUnsafe(ref xs, n - step);
            for (nuint i = 0; i + step <= n; i += step)
                acc = Vector512.MaxNative(acc, Vector512.LoadUnsafe(ref xs, i));
            return Horizontal(acc.GetLower().GetLower(), acc.GetLower().GetUpper(), acc.GetUpper().GetLower(), acc.GetUpper().GetUpper());
        }
        if (width >= SimdWidth.V256 && Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<float>.Count)
        {
            nuint step = (nuint)Vector256<float>.Count;
            var acc = Vector256.LoadUnsafe(ref xs, n - step);
            for (nuint i = 0; i + step <= n; i += step)
                acc = Vector256.MaxNative(acc, Vector256.LoadUnsafe(ref xs, i));
            return Horizontal(acc.GetLower(), acc.GetUpper(), acc.GetLower(), acc.GetUpper());
        }
        if (width >= SimdWidth.V128 && Vector128.IsHardwareAccelerated && n >= (nuint)Vector128<float>.Count)
        {
            nuint step = (nuint)Vector128<float>.Count;
            var acc = Vector128.LoadUnsafe(ref xs, n - step);
            for (nuint i = 0; i + step <= n; i += step)
                acc = Vector128.MaxNative(acc, Vector128.LoadUnsafe(ref xs, i));
            return Horizontal(acc, acc, acc, acc);
        }
        float m = float.NegativeInfinity;
        foreach (var v in x)
            m = MathF.Max(m, v);
        return m;
    }

    private static float Horizontal(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
    {
        var v = Vector128.MaxNative(Vector128.MaxNative(a, b), Vector128.MaxNative(c, d));
        return MathF.Max(MathF.Max(v[0], v[1]), MathF.Max(v[2], v[3]));
    }
}
