using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Elementwise;

/// <summary>
/// e^x in single precision, all lanes at once, without widening to double.
/// Method: n = round(x·log2 e), r = x − n·ln 2 (two-part ln 2, exact for |n| ≤ 150), e^r by a
/// degree-6 polynomial fitted on [−ln2/2, ln2/2] (Chebyshev fit, 2e-9 relative), then 2^n added to
/// the exponent field; vectors with a lane that would overflow or go denormal instead apply 2^n as
/// two power-of-two factors, so that results down to the smallest denormal round only once.
/// Accuracy (asserted in tests): ≤ 2 ulp against correctly rounded e^x for x in [−87.3, 88.7];
/// denormal results within one denormal step; x ≥ 88.73 gives +∞, x ≤ −104 gives 0, NaN stays NaN.
/// </summary>
public static partial class ExpF32
{
    private const float Log2E = 1.44269504088896341f;
    // ln 2 = LnHi + LnLo; LnHi has 15 significant bits so n·LnHi is exact for |n| ≤ 256.
    private const float LnHi = 0.693145751953125f;
    private const float LnLo = 1.42860682030941723212e-6f;
    // Above ln(FLT_MAX) the result must overflow, below ln(2^-150) it must vanish; clamping keeps n in [−150, 128].
    private const float Hi = 88.8f;
    private const float Lo = -104f;
    // 1.5·2^23: adding it rounds to an integer kept in the low mantissa bits (for |n| < 2^22).
    private const float Magic = 12582912f;
    private const int MagicBits = 0x4B400000;
    private const float C6 = 0.0013941108433972674608f;
    private const float C5 = 0.008375126398153335682f;
    private const float C4 = 0.041666352896775156786f;
    private const float C3 = 0.16666415514653275427f;
    private const float C2 = 0.50000000471177576744f;
    private const float C1 = 1.0000000377162138425f;

    /// <summary>Scalar reference: the correctly rounded library function.</summary>
    public static float Exp(float x) => MathF.Exp(x);

    /// <summary>e^x on each lane (AVX-512 scaling where available, else <see cref="ExpPortable(Vector128{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x) => HasScale ? ExpScale(x) : ExpPortable(x);

    /// <summary>e^x on each lane with cross-platform vector operations only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ExpPortable(Vector128<float> x)
    {
        // Constant first: on x64 MINPS/MAXPS return the second operand when one is NaN, so NaN survives.
        var xc = Vector128.MaxNative(Vector128.Create(Lo), Vector128.MinNative(Vector128.Create(Hi), x));
        // Adding 1.5·2^23 rounds x·log2 e to an integer n held in the low mantissa bits of t.
        var t = Vector128.MultiplyAddEstimate(xc, Vector128.Create(Log2E), Vector128.Create(Magic));
        var n = t - Vector128.Create(Magic);
        var r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-LnHi), xc);
        r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-LnLo), r);
        var p = Vector128.MultiplyAddEstimate(Vector128.Create(C6), r, Vector128.Create(C5));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(C4));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(C3));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(C2));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(C1));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128<float>.One);
        // Usual case: p·2^n stays normal, so adding n to p's exponent field is the whole scaling
        // (NaN fails both tests and takes the general path, whatever its payload).
        if (Vector128.GreaterThanOrEqualAll(n, Vector128.Create(-125f)) && Vector128.LessThanOrEqualAll(n, Vector128.Create(127f)))
            return (Vector128.ShiftLeft(t.AsInt32(), 23) + p.AsInt32()).AsSingle();
        // Overflow or denormal results: two power-of-two factors, so the result rounds once.
        var ni = t.AsInt32() - Vector128.Create(MagicBits);
        var n1 = Vector128.ShiftRightArithmetic(ni, 1);
        var s1 = Vector128.ShiftLeft(n1 + Vector128.Create(127), 23).AsSingle();
        var s2 = Vector128.ShiftLeft(ni - n1 + Vector128.Create(127), 23).AsSingle();
        return p * s1 * s2;
    }

    /// <summary>e^x on each lane (AVX-512 scaling where available, else <see cref="ExpPortable(Vector256{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x) => HasScale ? ExpScale(x) : ExpPortable(x);

    /// <summary>e^x on each lane with cross-platform vector operations only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpPortable(Vector256<float> x)
    {
        // Constant first: on x64 MINPS/MAXPS return the second operand when one is NaN, so NaN survives.
        var xc = Vector256.MaxNative(Vector256.Create(Lo), Vector256.MinNative(Vector256.Create(Hi), x));
        // Adding 1.5·2^23 rounds x·log2 e to an integer n held in the low mantissa bits of t.
        var t = Vector256.MultiplyAddEstimate(xc, Vector256.Create(Log2E), Vector256.Create(Magic));
        var n = t - Vector256.Create(Magic);
        var r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-LnHi), xc);
        r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-LnLo), r);
        var p = Vector256.MultiplyAddEstimate(Vector256.Create(C6), r, Vector256.Create(C5));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(C4));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(C3));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(C2));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(C1));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256<float>.One);
        // Usual case: p·2^n stays normal, so adding n to p's exponent field is the whole scaling
        // (NaN fails both tests and takes the general path, whatever its payload).
        if (Vector256.GreaterThanOrEqualAll(n, Vector256.Create(-125f)) && Vector256.LessThanOrEqualAll(n, Vector256.Create(127f)))
            return (Vector256.ShiftLeft(t.AsInt32(), 23) + p.AsInt32()).AsSingle();
        // Overflow or denormal results: two power-of-two factors, so the result rounds once.
        var ni = t.AsInt32() - Vector256.Create(MagicBits);
        var n1 = Vector256.ShiftRightArithmetic(ni, 1);
        var s1 = Vector256.ShiftLeft(n1 + Vector256.Create(127), 23).AsSingle();
        var s2 = Vector256.ShiftLeft(ni - n1 + Vector256.Create(127), 23).AsSingle();
        return p * s1 * s2;
    }

    /// <summary>e^x on each lane (AVX-512 scaling where available, else <see cref="ExpPortable(Vector512{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x) => HasScale ? ExpScale(x) : ExpPortable(x);

    /// <summary>e^x on each lane with cross-platform vector operations only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpPortable(Vector512<float> x)
    {
        // Constant first: on x64 MINPS/MAXPS return the second operand when one is NaN, so NaN survives.
        var xc = Vector512.MaxNative(Vector512.Create(Lo), Vector512.MinNative(Vector512.Create(Hi), x));
        // Adding 1.5·2^23 rounds x·log2 e to an integer n held in the low mantissa bits of t.
        var t = Vector512.MultiplyAddEstimate(xc, Vector512.Create(Log2E), Vector512.Create(Magic));
        var n = t - Vector512.Create(Magic);
        var r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-LnHi), xc);
        r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-LnLo), r);
        var p = Vector512.MultiplyAddEstimate(Vector512.Create(C6), r, Vector512.Create(C5));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(C4));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(C3));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(C2));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(C1));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512<float>.One);
        // Usual case: p·2^n stays normal, so adding n to p's exponent field is the whole scaling
        // (NaN fails both tests and takes the general path, whatever its payload).
        if (Vector512.GreaterThanOrEqualAll(n, Vector512.Create(-125f)) && Vector512.LessThanOrEqualAll(n, Vector512.Create(127f)))
            return (Vector512.ShiftLeft(t.AsInt32(), 23) + p.AsInt32()).AsSingle();
        // Overflow or denormal results: two power-of-two factors, so the result rounds once.
        var ni = t.AsInt32() - Vector512.Create(MagicBits);
        var n1 = Vector512.ShiftRightArithmetic(ni, 1);
        var s1 = Vector512.ShiftLeft(n1 + Vector512.Create(127), 23).AsSingle();
        var s2 = Vector512.ShiftLeft(ni - n1 + Vector512.Create(127), 23).AsSingle();
        return p * s1 * s2;
    }
}
