using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mote.Kernels.Simd;

/// <summary>
/// Sixteen float lanes for the AVX-512F tier (x64). Selected only when <see cref="CpuFeatures.Avx512F"/>.
/// </summary>
internal readonly unsafe struct F32x16 : ISimdF32<F32x16>, ISimdRegister<Vector512<float>>
{
    private readonly Vector512<float> _v;

    private F32x16(Vector512<float> v) => _v = v;

    public static int Count => 16;

    public static F32x16 Zero => new(Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Splat(float x) => new(Vector512.Create(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Load(float* p) => new(Vector512.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 LoadEven(float* p)
    {
        // Evens of p[0..15] and odds of p[15..30]: p0 p2 … p30 without reading p[31].
        Vector512<float> v0 = Vector512.Load(p), v1 = Vector512.Load(p + 15);
        if (Avx512F.IsSupported)
        {
            Vector512<int> index = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31);
            return new(Avx512F.PermuteVar16x32x2(v0, index, v1));
        }
        return new(Vector512.Create(Vector256.Create(p[0], p[2], p[4], p[6], p[8], p[10], p[12], p[14]),
            Vector256.Create(p[16], p[18], p[20], p[22], p[24], p[26], p[28], p[30])));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, F32x16 v) => v._v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Add(F32x16 a, F32x16 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Subtract(F32x16 a, F32x16 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Multiply(F32x16 a, F32x16 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Divide(F32x16 a, F32x16 b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 MultiplyAdd(F32x16 a, F32x16 b, F32x16 c)
    {
        // Written out rather than through MultiplyAddRegister: one more inlining level made NativeAOT stop inlining this in the depthwise loops.
        if (Avx512F.IsSupported) return new(Avx512F.FusedMultiplyAdd(a._v, b._v, c._v));
        return new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAddRegister(Vector512<float> a, Vector512<float> b, Vector512<float> c)
    {
        if (Avx512F.IsSupported) return Avx512F.FusedMultiplyAdd(a, b, c);
        return Vector512.FusedMultiplyAdd(a, b, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadRegister(float* p) => Vector512.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SplatRegister(float x) => Vector512.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> AddRegister(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MaxRegister(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MinRegister(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRegister(float* p, Vector512<float> v) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Max(F32x16 a, F32x16 b) => new(Vector512.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Min(F32x16 a, F32x16 b) => new(Vector512.Min(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Abs(F32x16 a) => new(Vector512.Abs(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 CopySign(F32x16 magnitude, F32x16 sign) => new(Vector512.CopySign(magnitude._v, sign._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Exp(F32x16 x) => new(Vector512.Exp(x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 LessThan(F32x16 a, F32x16 b) => new(Vector512.LessThan(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Select(F32x16 mask, F32x16 a, F32x16 b) => new(Vector512.ConditionalSelect(mask._v, a._v, b._v));
}
