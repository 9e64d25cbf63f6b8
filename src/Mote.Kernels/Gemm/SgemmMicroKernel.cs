using System.Runtime.CompilerServices;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Gemm;

/// <summary>
/// The register-blocked inner loop of every SIMD SGEMM: a tile of <c>TRows</c> (MR ≤ 8) rows by
/// <c>TCols</c> (≤ 4) vectors held in registers while k runs over a depth block; each step loads
/// <c>TCols</c> vectors of B and broadcasts <c>TRows</c> values of A into as many FMAs as the tile has
/// accumulators. Unused rows and columns are folded away by the JIT per instantiation.
/// </summary>
/// <remarks>
/// Layout contract. B: the step's NR = <c>TCols·W</c> values at <c>b + k·bStep</c> (packed panel: bStep = NR;
/// unpacked row-major B: bStep = ldb); all NR must be readable. A: element (r, k) at
/// <c>a[r·rs + k·step]</c> where, when <c>TPacked</c> is <see cref="C1"/>, rs = 1 and step = MR (a packed
/// panel), else rs = <c>aRow</c> and step = <c>aStep</c> (an unpacked A, for small M). Rows past the
/// caller's M must still be readable (packed panels are zero-padded). The sums are written raw to
/// <c>acc[r·TCols + j]</c>; <see cref="GemmTileStore"/> applies alpha/beta/bias/activation on the way to C.
/// Summation order over k is fixed (one FMA chain per element), so results do not depend on the tile's
/// position or on threading.
/// </remarks>
internal static unsafe class SgemmMicroKernel<TV, TRows, TCols>
    where TV : unmanaged, ISimdF32<TV>
    where TRows : struct, IConstant
    where TCols : struct, IConstant
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TPacked>(int kc, float* a, nint aRow, nint aStep, float* b, nint bStep, TV* acc)
        where TPacked : struct, IConstant =>
        Tile<TPacked, C0>(kc, a, aRow, aStep, b, bStep, null, 0, acc);

    // The one register-tile loop; TRowPointers = C1 takes step k's B from bRows[k] + col instead of b + k·bStep.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TPacked, TRowPointers>(int kc, float* a, nint aRow, nint aStep, float* b, nint bStep, float** bRows, nint col, TV* acc)
        where TPacked : struct, IConstant
        where TRowPointers : struct, IConstant
    {
        bool packed = TPacked.Value == 1;
        nint rs = packed ? 1 : aRow;
        nint step = packed ? TRows.Value : aStep;
        int W = TV.Count;
        TV c00 = TV.Zero, c01 = TV.Zero, c02 = TV.Zero, c03 = TV.Zero;
        TV c10 = TV.Zero, c11 = TV.Zero, c12 = TV.Zero, c13 = TV.Zero;
        TV c20 = TV.Zero, c21 = TV.Zero, c22 = TV.Zero, c23 = TV.Zero;
        TV c30 = TV.Zero, c31 = TV.Zero, c32 = TV.Zero, c33 = TV.Zero;
        TV c40 = TV.Zero, c41 = TV.Zero, c42 = TV.Zero, c43 = TV.Zero;
        TV c50 = TV.Zero, c51 = TV.Zero, c52 = TV.Zero, c53 = TV.Zero;
        TV c60 = TV.Zero, c61 = TV.Zero, c62 = TV.Zero, c63 = TV.Zero;
        TV c70 = TV.Zero, c71 = TV.Zero, c72 = TV.Zero, c73 = TV.Zero;
        for (int k = 0; k < kc; k++)
        {
            if (TRowPointers.Value == 1) b = bRows[k] + col;
            TV b0 = TV.Load(b);
            TV b1 = TCols.Value > 1 ? TV.Load(b + 1 * W) : default;
            TV b2 = TCols.Value > 2 ? TV.Load(b + 2 * W) : default;
            TV b3 = TCols.Value > 3 ? TV.Load(b + 3 * W) : default;
            Row(TV.Splat(a[0 * rs]), b0, b1, b2, b3, ref c00, ref c01, ref c02, ref c03);
            if (TRows.Value > 1) Row(TV.Splat(a[1 * rs]), b0, b1, b2, b3, ref c10, ref c11, ref c12, ref c13);
            if (TRows.Value > 2) Row(TV.Splat(a[2 * rs]), b0, b1, b2, b3, ref c20, ref c21, ref c22, ref c23);
            if (TRows.Value > 3) Row(TV.Splat(a[3 * rs]), b0, b1, b2, b3, ref c30, ref c31, ref c32, ref c33);
            if (TRows.Value > 4) Row(TV.Splat(a[4 * rs]), b0, b1, b2, b3, ref c40, ref c41, ref c42, ref c43);
            if (TRows.Value > 5) Row(TV.Splat(a[5 * rs]), b0, b1, b2, b3, ref c50, ref c51, ref c52, ref c53);
            if (TRows.Value > 6) Row(TV.Splat(a[6 * rs]), b0, b1, b2, b3, ref c60, ref c61, ref c62, ref c63);
            if (TRows.Value > 7) Row(TV.Splat(a[7 * rs]), b0, b1, b2, b3, ref c70, ref c71, ref c72, ref c73);
            a += step;
            b += bStep;
        }
        Spill(acc + 0 * TCols.Value, c00, c01, c02, c03);
        if (TRows.Value > 1) Spill(acc + 1 * TCols.Value, c10, c11, c12, c13);
        if (TRows.Value > 2) Spill(acc + 2 * TCols.Value, c20, c21, c22, c23);
        if (TRows.Value > 3) Spill(acc + 3 * TCols.Value, c30, c31, c32, c33);
        if (TRows.Value > 4) Spill(acc + 4 * TCols.Value, c40, c41, c42, c43);
        if (TRows.Value > 5) Spill(acc + 5 * TCols.Value, c50, c51, c52, c53);
        if (TRows.Value > 6) Spill(acc + 6 * TCols.Value, c60, c61, c62, c63);
        if (TRows.Value > 7) Spill(acc + 7 * TCols.Value, c70, c71, c72, c73);
    }

    /// <summary>
    /// <see cref="Run{TPacked}"/> on a packed A panel with B given by row pointers: step k reads its NR values at
    /// <c>bRows[k] + col</c> (implicit-GEMM convolution: each row is a shifted view of the padded input).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunRows(int kc, float* a, float** bRows, nint col, TV* acc) =>
        Tile<C1, C1>(kc, a, 1, TRows.Value, null, 0, bRows, col, acc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(TV av, TV b0, TV b1, TV b2, TV b3, ref TV c0, ref TV c1, ref TV c2, ref TV c3)
    {
        c0 = TV.MultiplyAdd(av, b0, c0);
        if (TCols.Value > 1) c1 = TV.MultiplyAdd(av, b1, c1);
        if (TCols.Value > 2) c2 = TV.MultiplyAdd(av, b2, c2);
        if (TCols.Value > 3) c3 = TV.MultiplyAdd(av, b3, c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Spill(TV* dst, TV c0, TV c1, TV c2, TV c3)
    {
        dst[0] = c0;
        if (TCols.Value > 1) dst[1] = c1;
        if (TCols.Value > 2) dst[2] = c2;
        if (TCols.Value > 3) dst[3] = c3;
    }
}
