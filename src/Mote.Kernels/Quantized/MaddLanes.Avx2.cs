using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mote.Kernels.Quantized;

/// <summary>
/// Eight int32 lanes for the AVX2 tier: <c>vpmaddwd</c> then an add, or one fused <c>vpdpwssd</c> where the
/// CPU has AVX-VNNI (same sums: no saturation in either for 9-bit inputs).
/// </summary>
internal readonly unsafe struct MaddLanes256 : IMaddLanes<MaddLanes256>
{
    private readonly Vector256<int> _v;

    private MaddLanes256(Vector256<int> v) => _v = v;

    public static int Count => 8;

    public static MaddLanes256 Zero => new(Vector256<int>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MaddLanes256 Splat(int pair) => new(Vector256.Create(pair));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MaddLanes256 Load(int* p) => new(Vector256.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int* p, MaddLanes256 v) => v._v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MaddLanes256 Add(MaddLanes256 a, MaddLanes256 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MaddLanes256 MultiplyAddPairs(MaddLanes256 a, MaddLanes256 b, MaddLanes256 c)
    {
        if (AvxVnni.IsSupported)
            return new(AvxVnni.MultiplyWideningAndAdd(c._v, a._v.AsInt16(), b._v.AsInt16()));
        if (Avx2.IsSupported)
            return new(Avx2.MultiplyAddAdjacent(a._v.AsInt16(), b._v.AsInt16()) + c._v);
        return new(Vector256.Create(MaddLanes128.Portable(a._v.GetLower(), b._v.GetLower()), MaddLanes128.Portable(a._v.GetUpper(), b._v.GetUpper())) + c._v);
    }
}
