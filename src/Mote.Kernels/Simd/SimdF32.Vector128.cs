using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Simd;

/// <summary>
/// Four float lanes through the cross-platform <see cref="Vector128"/> API only, so the same code runs
/// on x64 (SSE/AVX) and ARM64 (AdvSimd/NEON).
/// </summary>
internal readonly unsafe struct F32x4 : ISimdF32<F32x4>, ISimdRegister<Vector128<float>>
{
    private readonly Vector128<float> _v;

    private F32x4(Vector128<float> v) => _v = v;

    public static int Count => 4;

    public static F32x4 Zero => new(Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Splat(float x) => new(Vector128.Create(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Load(float* p) => new(Vector128.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 LoadEven(float* p)
    {
        // Evens of p[0..3] and odds of p[3..6] = p0 p2 p4 p6, without reading p[7]: two shuffles and a
        // blend (combining halves through GetLower/Create goes through memory on x64).
        Vector128<float> lo = Vector128.Shuffle(Vector128.Load(p), Vector128.Create(0, 2, 0, 0));
        Vector128<float> hi = Vector128.Shuffle(Vector128.Load(p + 3), Vector128.Create(0, 0, 1, 3));
        return new(Vector128.ConditionalSelect(Vector128.Create(-1, -1, 0, 0).AsSingle(), lo, hi));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, F32x4 v) => v._v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Add(F32x4 a, F32x4 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Subtract(F32x4 a, F32x4 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Multiply(F32x4 a, F32x4 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Divide(F32x4 a, F32x4 b) => new(a._v / b._v);

    // Estimate = FMA where the hardware has it (ARM64 always, x64 with FMA3), else multiply then add:
    // never the slow software-fused fallback.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 MultiplyAdd(F32x4 a, F32x4 b, F32x4 c) => new(Vector128.MultiplyAddEstimate(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAddRegister(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Vector128.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadRegister(float* p) => Vector128.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SplatRegister(float x) => Vector128.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> AddRegister(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MaxRegister(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MinRegister(Vector128<float> a, Vector128<float> b) => Vector128.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRegister(float* p, Vector128<float> v) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Max(F32x4 a, F32x4 b) => new(Vector128.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Min(F32x4 a, F32x4 b) => new(Vector128.Min(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Abs(F32x4 a) => new(Vector128.Abs(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 CopySign(F32x4 magnitude, F32x4 sign) => new(Vector128.CopySign(magnitude._v, sign._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Exp(F32x4 x) => new(Vector128.Exp(x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 LessThan(F32x4 a, F32x4 b) => new(Vector128.LessThan(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Select(F32x4 mask, F32x4 a, F32x4 b) => new(Vector128.ConditionalSelect(mask._v, a._v, b._v));
}
