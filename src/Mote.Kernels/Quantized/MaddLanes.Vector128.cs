using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mote.Kernels.Quantized;

/// <summary>
/// Four int32 lanes for the Vector128 tier: SSE2 <c>pmaddwd</c> on x64; elsewhere (ARM64 until a NEON
/// variant exists) the same sums from cross-platform shifts and 32-bit multiplies.
/// </summary>
internal readonly unsafe struct MaddLanes128 : IMaddLanes<MaddLanes128>
{
    private readonly Vector128<int> _v;

    private MaddLanes128(Vector128<int> v) => _v = v;

    public static int Count => 4;

    public static MaddLanes128 Zero => new(Vector128<int>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MaddLanes128 Splat(int pair) => new(Vector128.Create(pair));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MaddLanes128 Load(int* p) => new(Vector128.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int* p, MaddLanes128 v) => v._v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MaddLanes128 Add(MaddLanes128 a, MaddLanes128 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MaddLanes128 MultiplyAddPairs(MaddLanes128 a, MaddLanes128 b, MaddLanes128 c)
    {
        if (Sse2.IsSupported)
            return new(Sse2.MultiplyAddAdjacent(a._v.AsInt16(), b._v.AsInt16()) + c._v);
        return new(Portable(a._v, b._v) + c._v);
    }

    /// <summary>The pair sums without <c>pmaddwd</c>: sign-extend each half with shifts, multiply in 32 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> Portable(Vector128<int> a, Vector128<int> b)
    {
        Vector128<int> aLo = Vector128.ShiftRightArithmetic(Vector128.ShiftLeft(a, 16), 16), aHi = Vector128.ShiftRightArithmetic(a, 16);
        Vector128<int> bLo = Vector128.ShiftRightArithmetic(Vector128.ShiftLeft(b, 16), 16), bHi = Vector128.ShiftRightArithmetic(b, 16);
        return aLo * bLo + aHi * bHi;
    }
}
