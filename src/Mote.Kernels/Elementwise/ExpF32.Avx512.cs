using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mote.Kernels.Elementwise;

/// <summary>
/// e^x with AVX-512's VSCALEFPS: p·2^n in one instruction that also rounds overflow to ∞ and
/// underflow to correctly rounded denormals, replacing the exponent-field arithmetic and its
/// fallback branch. Same reduction and polynomial as the portable form.
/// </summary>
public static partial class ExpF32
{
    /// <summary>True when <see cref="ExpScale(Vector512{float})"/> and its narrower forms can run (AVX-512F with VL).</summary>
    public static bool HasScale => Avx512F.IsSupported && Avx512F.VL.IsSupported;

    /// <summary>e^x on each lane using VSCALEFPS; call only when <see cref="HasScale"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpScale(Vector512<float> x)
    {
        var (p, n) = Reduce(x);
        return Avx512F.IsSupported ? Avx512F.Scale(p, n) : throw new PlatformNotSupportedException();
    }

    /// <summary>e^x on each lane using VSCALEFPS (256-bit); call only when <see cref="HasScale"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpScale(Vector256<float> x)
    {
        var (p, n) = Reduce(x);
        return Avx512F.VL.IsSupported ? Avx512F.VL.Scale(p, n) : throw new PlatformNotSupportedException();
    }

    /// <summary>e^x on each lane using VSCALEFPS (128-bit); call only when <see cref="HasScale"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ExpScale(Vector128<float> x)
    {
        var (p, n) = Reduce(x);
        return Avx512F.VL.IsSupported ? Avx512F.VL.Scale(p, n) : throw new PlatformNotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float> P, Vector512<float> N) Reduce(Vector512<float> x)
    {
        var xc = Vector512.MaxNative(Vector512.Create(Lo), Vector512.MinNative(Vector512.Create(Hi), x));
        var n = Vector512.MultiplyAddEstimate(xc, Vector512.Create(Log2E), Vector512.Create(Magic)) - Vector512.Create(Magic);
        var r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-LnHi), xc);
        r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-LnLo), r);
        var p = Vector512.MultiplyAddEstimate(Vector512.Create(C6), r, Vector512.Create(C5));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(C4));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(C3));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(C2));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(C1));
        return (Vector512.MultiplyAddEstimate(p, r, Vector512<float>.One), n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> P, Vector256<float> N) Reduce(Vector256<float> x)
    {
        var xc = Vector256.MaxNative(Vector256.Create(Lo), Vector256.MinNative(Vector256.Create(Hi), x));
        var n = Vector256.MultiplyAddEstimate(xc, Vector256.Create(Log2E), Vector256.Create(Magic)) - Vector256.Create(Magic);
        var r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-LnHi), xc);
        r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-LnLo), r);
        var p = Vector256.MultiplyAddEstimate(Vector256.Create(C6), r, Vector256.Create(C5));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(C4));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(C3));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(C2));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(C1));
        return (Vector256.MultiplyAddEstimate(p, r, Vector256<float>.One), n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> P, Vector128<float> N) Reduce(Vector128<float> x)
    {
        var xc = Vector128.MaxNative(Vector128.Create(Lo), Vector128.MinNative(Vector128.Create(Hi), x));
        var n = Vector128.MultiplyAddEstimate(xc, Vector128.Create(Log2E), Vector128.Create(Magic)) - Vector128.Create(Magic);
        var r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-LnHi), xc);
        r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-LnLo), r);
        var p = Vector128.MultiplyAddEstimate(Vector128.Create(C6), r, Vector128.Create(C5));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(C4));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(C3));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(C2));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(C1));
        return (Vector128.MultiplyAddEstimate(p, r, Vector128<float>.One), n);
    }
}
