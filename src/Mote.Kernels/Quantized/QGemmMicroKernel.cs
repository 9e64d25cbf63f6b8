using System.Runtime.CompilerServices;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Quantized;

/// <summary>
/// The register tile of the multiply-add-adjacent GEMM: <c>TRows</c> (≤ 8) rows by <c>TCols</c> (≤ 4) int32
/// vectors held in registers while the depth block runs; each step loads <c>TCols</c> vectors of B pairs and
/// broadcasts <c>TRows</c> A pairs into as many multiply-adds.
/// </summary>
/// <remarks>
/// Layout contract: <c>a</c> is a packed A panel (<c>pairs × MR</c> ints), <c>b</c> a
/// packed B panel (<c>pairs × NR</c> ints, NR = <c>TCols·W</c>); see <see cref="QGemmPairPacking"/>. Sums go to
/// <c>acc[r·TCols + j]</c> raw; the caller stores them.
/// </remarks>
internal static unsafe class QGemmMicroKernel<TV, TRows, TCols>
    where TV : unmanaged, IMaddLanes<TV>
    where TRows : struct, IConstant
    where TCols : struct, IConstant
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int pairs, int* a, int* b, TV* acc)
    {
        int W = TV.Count, MR = TRows.Value, NR = TCols.Value * W;
        TV c00 = TV.Zero, c01 = TV.Zero, c02 = TV.Zero, c03 = TV.Zero;
        TV c10 = TV.Zero, c11 = TV.Zero, c12 = TV.Zero, c13 = TV.Zero;
        TV c20 = TV.Zero, c21 = TV.Zero, c22 = TV.Zero, c23 = TV.Zero;
        TV c30 = TV.Zero, c31 = TV.Zero, c32 = TV.Zero, c33 = TV.Zero;
        TV c40 = TV.Zero, c41 = TV.Zero, c42 = TV.Zero, c43 = TV.Zero;
        TV c50 = TV.Zero, c51 = TV.Zero, c52 = TV.Zero, c53 = TV.Zero;
        TV c60 = TV.Zero, c61 = TV.Zero, c62 = TV.Zero, c63 = TV.Zero;
        TV c70 = TV.Zero, c71 = TV.Zero, c72 = TV.Zero, c73 = TV.Zero;
        for (int p = 0; p < pairs; p++)
        {
            TV b0 = TV.Load(b);
            TV b1 = TCols.Value > 1 ? TV.Load(b + 1 * W) : default;
            TV b2 = TCols.Value > 2 ? TV.Load(b + 2 * W) : default;
            TV b3 = TCols.Value > 3 ? TV.Load(b + 3 * W) : default;
            Row(TV.Splat(a[0]), b0, b1, b2, b3, ref c00, ref c01, ref c02, ref c03);
            if (TRows.Value > 1) Row(TV.Splat(a[1]), b0, b1, b2, b3, ref c10, ref c11, ref c12, ref c13);
            if (TRows.Value > 2) Row(TV.Splat(a[2]), b0, b1, b2, b3, ref c20, ref c21, ref c22, ref c23);
            if (TRows.Value > 3) Row(TV.Splat(a[3]), b0, b1, b2, b3, ref c30, ref c31, ref c32, ref c33);
            if (TRows.Value > 4) Row(TV.Splat(a[4]), b0, b1, b2, b3, ref c40, ref c41, ref c42, ref c43);
            if (TRows.Value > 5) Row(TV.Splat(a[5]), b0, b1, b2, b3, ref c50, ref c51, ref c52, ref c53);
            if (TRows.Value > 6) Row(TV.Splat(a[6]), b0, b1, b2, b3, ref c60, ref c61, ref c62, ref c63);
            if (TRows.Value > 7) Row(TV.Splat(a[7]), b0, b1, b2, b3, ref c70, ref c71, ref c72, ref c73);
            a += MR;
            b += NR;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(TV av, TV b0, TV b1, TV b2, TV b3, ref TV c0, ref TV c1, ref TV c2, ref TV c3)
    {
        c0 = TV.MultiplyAddPairs(av, b0, c0);
        if (TCols.Value > 1) c1 = TV.MultiplyAddPairs(av, b1, c1);
        if (TCols.Value > 2) c2 = TV.MultiplyAddPairs(av, b2, c2);
        if (TCols.Value > 3) c3 = TV.MultiplyAddPairs(av, b3, c3);
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
