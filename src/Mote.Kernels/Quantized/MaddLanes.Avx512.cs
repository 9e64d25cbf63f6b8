using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mote.Kernels.Quantized;

/// <summary>Sixteen int32 lanes for the AVX-512 tier: AVX-512BW <c>vpmaddwd</c> on zmm registers, then an add.</summary>
internal readonly unsafe struct MaddLanes512 : IMaddLanes<MaddLanes512>
{
    private readonly Vector512<int> _v;

    private MaddLanes512(Vector512<int> v) => _v = v;

    public static int Count => 16;

    public static MaddLanes512 Zero => new(Vector512<int>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MaddLanes512 Splat(int pair) => new(Vector512.Create(pair));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MaddLanes512 Load(int* p) => new(Vector512.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int* p, MaddLanes512 v) => v._v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MaddLanes512 Add(MaddLanes512 a, MaddLanes512 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MaddLanes512 MultiplyAddPairs(MaddLanes512 a, MaddLanes512 b, MaddLanes512 c)
    {
        if (Avx512BW.IsSupported)
            return new(Avx512BW.MultiplyAddAdjacent(a._v.AsInt16(), b._v.AsInt16()) + c._v);
        return new(Vector512.Create(
            Vector256.Create(MaddLanes128.Portable(a._v.GetLower().GetLower(), b._v.GetLower().GetLower()), MaddLanes128.Portable(a._v.GetLower().GetUpper(), b._v.GetLower().GetUpper())),
            Vector256.Create(MaddLanes128.Portable(a._v.GetUpper().GetLower(), b._v.GetUpper().GetLower()), MaddLanes128.Portable(a._v.GetUpper().GetUpper(), b._v.GetUpper().GetUpper()))) + c._v);
    }
}
