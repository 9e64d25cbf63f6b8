using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Elementwise;

/// <summary>
/// erf(x) in single precision, all lanes at once. Method: erf is odd, and for |x| ≤ 3.925 (beyond
/// which erf rounds to 1 in float) erf(x) = x·P(x²)/Q(x²) with P and Q of degree 5, fitted for
/// minimum relative error (1.9e-8 in exact arithmetic) by iteratively reweighted least squares;
/// |x| is clamped there and the result capped at 1. Accuracy (asserted in tests): ≤ 4 ulp over the
/// whole float range, ±0 → ±0, ±∞ → ±1, NaN → NaN.
/// </summary>
public static class ErfF32
{
    private const float Clamp = 3.925f;
    private const float P0 = 1.1283791460248549f;
    private const float P1 = 0.19057498887444014f;
    private const float P2 = 0.052766419022009087f;
    private const float P3 = 0.0037716358126889722f;
    private const float P4 = 0.00028480443653457141f;
    private const float P5 = 2.0459282456777982e-6f;
    private const float Q1 = 0.50222542308933466f;
    private const float Q2 = 0.11417460302761123f;
    private const float Q3 = 0.014981383164722084f;
    private const float Q4 = 0.0011636014594193453f;
    private const float Q5 = 3.8044705193904547e-5f;

    /// <summary>Scalar reference: the double-precision library function rounded to float.</summary>
    public static float Erf(float x) => x == 0 ? x : (float)ErfF64.Erf(x); // erf(±0) = ±0

    /// <summary>erf(x) on each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Erf(Vector128<float> x)
    {
        var sign = x & Vector128.Create(-0f);
        var a = Vector128.MinNative(Vector128.Create(Clamp), Vector128.Abs(x));
        var t = a * a;
        var p = Vector128.MultiplyAddEstimate(Vector128.Create(P5), t, Vector128.Create(P4));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(P3));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(P2));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(P1));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(P0));
        var q = Vector128.MultiplyAddEstimate(Vector128.Create(Q5), t, Vector128.Create(Q4));
        q = Vector128.MultiplyAddEstimate(q, t, Vector128.Create(Q3));
        q = Vector128.MultiplyAddEstimate(q, t, Vector128.Create(Q2));
        q = Vector128.MultiplyAddEstimate(q, t, Vector128.Create(Q1));
        q = Vector128.MultiplyAddEstimate(q, t, Vector128<float>.One);
        var r = Vector128.MinNative(Vector128<float>.One, a * p / q);
        return r | sign;
    }

    /// <summary>erf(x) on each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erf(Vector256<float> x)
    {
        var sign = x & Vector256.Create(-0f);
        var a = Vector256.MinNative(Vector256.Create(Clamp), Vector256.Abs(x));
        var t = a * a;
        var p = Vector256.MultiplyAddEstimate(Vector256.Create(P5), t, Vector256.Create(P4));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(P3));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(P2));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(P1));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(P0));
        var q = Vector256.MultiplyAddEstimate(Vector256.Create(Q5), t, Vector256.Create(Q4));
        q = Vector256.MultiplyAddEstimate(q, t, Vector256.Create(Q3));
        q = Vector256.MultiplyAddEstimate(q, t, Vector256.Create(Q2));
        q = Vector256.MultiplyAddEstimate(q, t, Vector256.Create(Q1));
        q = Vector256.MultiplyAddEstimate(q, t, Vector256<float>.One);
        var r = Vector256.MinNative(Vector256<float>.One, a * p / q);
        return r | sign;
    }

    /// <summary>erf(x) on each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Erf(Vector512<float> x)
    {
        var sign = x & Vector512.Create(-0f);
        var a = Vector512.MinNative(Vector512.Create(Clamp), Vector512.Abs(x));
        var t = a * a;
        var p = Vector512.MultiplyAddEstimate(Vector512.Create(P5), t, Vector512.Create(P4));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(P3));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(P2));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(P1));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(P0));
        var q = Vector512.MultiplyAddEstimate(Vector512.Create(Q5), t, Vector512.Create(Q4));
        q = Vector512.MultiplyAddEstimate(q, t, Vector512.Create(Q3));
        q = Vector512.MultiplyAddEstimate(q, t, Vector512.Create(Q2));
        q = Vector512.MultiplyAddEstimate(q, t, Vector512.Create(Q1));
        q = Vector512.MultiplyAddEstimate(q, t, Vector512<float>.One);
        var r = Vector512.MinNative(Vector512<float>.One, a * p / q);
        return r | sign;
    }
}
