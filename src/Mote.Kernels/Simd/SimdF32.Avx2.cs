using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mote.Kernels.Simd;

/// <summary>
/// Eight float lanes for the AVX2+FMA tier (x64). Selected only when <see cref="CpuFeatures.Avx2Fma"/>.
/// </summary>
internal readonly unsafe struct F32x8 : ISimdF32<F32x8>, ISimdRegister<Vector256<float>>
{
    private readonly Vector256<float> _v;

    private F32x8(Vector256<float> v) => _v = v;

    public static int Count => 8;

    public static F32x8 Zero => new(Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Splat(float x) => new(Vector256.Create(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Load(float* p) => new(Vector256.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 LoadEven(float* p)
    {
        Vector256<float> v0 = Vector256.Load(p), v1 = Vector256.Load(p + 7);
        if (Avx2.IsSupported)
        {
            // Per 128-bit lane: v0[0] v0[2] v1[1] v1[3] = p0 p2 p8 p10 | p4 p6 p12 p14; then swap the middle pairs.
            Vector256<float> mixed = Avx.Shuffle(v0, v1, 0xD8);
            return new(Avx2.Permute4x64(mixed.AsDouble(), 0xD8).AsSingle());
        }
        return new(Vector256.Create(p[0], p[2], p[4], p[6], p[8], p[10], p[12], p[14]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, F32x8 v) => v._v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Add(F32x8 a, F32x8 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Subtract(F32x8 a, F32x8 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Multiply(F32x8 a, F32x8 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Divide(F32x8 a, F32x8 b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 MultiplyAdd(F32x8 a, F32x8 b, F32x8 c)
    {
        // Written out rather than through MultiplyAddRegister: one more inlining level made NativeAOT stop inlining this in the depthwise loops.
        if (Fma.IsSupported) return new(Fma.MultiplyAdd(a._v, b._v, c._v));
        return new(Vector256.FusedMultiplyAdd(a._v, b._v, c._v));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAddRegister(Vector256<float> a, Vector256<float> b, Vector256<float> c)
    {
        if (Fma.IsSupported) return Fma.MultiplyAdd(a, b, c);
        return Vector256.FusedMultiplyAdd(a, b, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadRegister(float* p) => Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SplatRegister(float x) => Vector256.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> AddRegister(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaxRegister(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MinRegister(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRegister(float* p, Vector256<float> v) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Max(F32x8 a, F32x8 b) => new(Vector256.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Min(F32x8 a, F32x8 b) => new(Vector256.Min(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Abs(F32x8 a) => new(Vector256.Abs(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 CopySign(F32x8 magnitude, F32x8 sign) => new(Vector256.CopySign(magnitude._v, sign._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Exp(F32x8 x) => new(Vector256.Exp(x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 LessThan(F32x8 a, F32x8 b) => new(Vector256.LessThan(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Select(F32x8 mask, F32x8 a, F32x8 b) => new(Vector256.ConditionalSelect(mask._v, a._v, b._v));
}
