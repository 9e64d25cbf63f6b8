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
/// position or on threading. Accumulators are the bare vector type <c>TReg</c> (see <see cref="ISimdRegister{TReg}"/>).
/// </remarks>
internal static unsafe class SgemmMicroKernel<TV, TReg, TRows, TCols>
    where TV : unmanaged, ISimdF32<TV>, ISimdRegister<TReg>
    where TReg : unmanaged
    where TRows : struct, IConstant
    where TCols : struct, IConstant
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TPacked>(int kc, float* a, nint aRow, nint aStep, float* b, nint bStep, TV* acc)
        where TPacked : struct, IConstant =>
        Tile<TPacked, C0, C0>(kc, a, aRow, aStep, b, bStep, null, 0, acc, null);

    /// <summary>
    /// <see cref="Run{TPacked}"/> on a packed A panel for a whole tile of a single depth block, finished in registers
    /// and stored to C through <paramref name="output"/> (no round trip of raw sums through memory).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunTo(int kc, float* a, float* b, nint bStep, GemmTileOutput* output) =>
        Tile<C1, C0, C1>(kc, a, 1, TRows.Value, b, bStep, null, 0, null, output);

    /// <summary><see cref="RunRows"/> finished and stored like <see cref="RunTo"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunRowsTo(int kc, float* a, float** bRows, nint col, GemmTileOutput* output) =>
        Tile<C1, C1, C1>(kc, a, 1, TRows.Value, null, 0, bRows, col, null, output);

    // The one register-tile loop; TRowPointers = C1 takes step k's B from bRows[k] + col instead of b + k·bStep.
    // TDirect = C1 finishes the tile in registers with bare-vector operations only (an epilogue with calls or many
    // wrapper inlinees here made the JIT spill the accumulators inside the k loop).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TPacked, TRowPointers, TDirect>(int kc, float* a, nint aRow, nint aStep, float* b, nint bStep, float** bRows, nint col,
        TV* acc, GemmTileOutput* output)
        where TPacked : struct, IConstant
        where TRowPointers : struct, IConstant
        where TDirect : struct, IConstant
    {
        bool packed = TPacked.Value == 1;
        nint rs = packed ? 1 : aRow;
        nint step = packed ? TRows.Value : aStep;
        int W = TV.Count;
        TReg c00 = default, c01 = default, c02 = default, c03 = default;
        TReg c10 = default, c11 = default, c12 = default, c13 = default;
        TReg c20 = default, c21 = default, c22 = default, c23 = default;
        TReg c30 = default, c31 = default, c32 = default, c33 = default;
        TReg c40 = default, c41 = default, c42 = default, c43 = default;
        TReg c50 = default, c51 = default, c52 = default, c53 = default;
        TReg c60 = default, c61 = default, c62 = default, c63 = default;
        TReg c70 = default, c71 = default, c72 = default, c73 = default;
        for (int k = 0; k < kc; k++)
        {
            if (TRowPointers.Value == 1) b = bRows[k] + col;
            TReg b0 = TV.LoadRegister(b);
            TReg b1 = TCols.Value > 1 ? TV.LoadRegister(b + 1 * W) : default;
            TReg b2 = TCols.Value > 2 ? TV.LoadRegister(b + 2 * W) : default;
            TReg b3 = TCols.Value > 3 ? TV.LoadRegister(b + 3 * W) : default;
            Row(TV.SplatRegister(a[0 * rs]), b0, b1, b2, b3, ref c00, ref c01, ref c02, ref c03);
            if (TRows.Value > 1) Row(TV.SplatRegister(a[1 * rs]), b0, b1, b2, b3, ref c10, ref c11, ref c12, ref c13);
            if (TRows.Value > 2) Row(TV.SplatRegister(a[2 * rs]), b0, b1, b2, b3, ref c20, ref c21, ref c22, ref c23);
            if (TRows.Value > 3) Row(TV.SplatRegister(a[3 * rs]), b0, b1, b2, b3, ref c30, ref c31, ref c32, ref c33);
            if (TRows.Value > 4) Row(TV.SplatRegister(a[4 * rs]), b0, b1, b2, b3, ref c40, ref c41, ref c42, ref c43);
            if (TRows.Value > 5) Row(TV.SplatRegister(a[5 * rs]), b0, b1, b2, b3, ref c50, ref c51, ref c52, ref c53);
            if (TRows.Value > 6) Row(TV.SplatRegister(a[6 * rs]), b0, b1, b2, b3, ref c60, ref c61, ref c62, ref c63);
            if (TRows.Value > 7) Row(TV.SplatRegister(a[7 * rs]), b0, b1, b2, b3, ref c70, ref c71, ref c72, ref c73);
            a += step;
            b += bStep;
        }
        if (TDirect.Value == 1)
        {
            float* c = output->C, bias = output->RowBias, res = output->Residual;
            nint ldc = output->Ldc;
            int mode = output->Mode;
            TReg lo = TV.SplatRegister(output->Low), hi = TV.SplatRegister(output->High);
            FinishRow(c, bias, res, 0, ldc, mode, lo, hi, c00, c01, c02, c03);
            if (TRows.Value > 1) FinishRow(c, bias, res, 1, ldc, mode, lo, hi, c10, c11, c12, c13);
            if (TRows.Value > 2) FinishRow(c, bias, res, 2, ldc, mode, lo, hi, c20, c21, c22, c23);
            if (TRows.Value > 3) FinishRow(c, bias, res, 3, ldc, mode, lo, hi, c30, c31, c32, c33);
            if (TRows.Value > 4) FinishRow(c, bias, res, 4, ldc, mode, lo, hi, c40, c41, c42, c43);
            if (TRows.Value > 5) FinishRow(c, bias, res, 5, ldc, mode, lo, hi, c50, c51, c52, c53);
            if (TRows.Value > 6) FinishRow(c, bias, res, 6, ldc, mode, lo, hi, c60, c61, c62, c63);
            if (TRows.Value > 7) FinishRow(c, bias, res, 7, ldc, mode, lo, hi, c70, c71, c72, c73);
            return;
        }
        TReg* dst = (TReg*)acc;
        Spill(dst + 0 * TCols.Value, c00, c01, c02, c03);
        if (TRows.Value > 1) Spill(dst + 1 * TCols.Value, c10, c11, c12, c13);
        if (TRows.Value > 2) Spill(dst + 2 * TCols.Value, c20, c21, c22, c23);
        if (TRows.Value > 3) Spill(dst + 3 * TCols.Value, c30, c31, c32, c33);
        if (TRows.Value > 4) Spill(dst + 4 * TCols.Value, c40, c41, c42, c43);
        if (TRows.Value > 5) Spill(dst + 5 * TCols.Value, c50, c51, c52, c53);
        if (TRows.Value > 6) Spill(dst + 6 * TCols.Value, c60, c61, c62, c63);
        if (TRows.Value > 7) Spill(dst + 7 * TCols.Value, c70, c71, c72, c73);
    }

    /// <summary>
    /// <see cref="Run{TPacked}"/> on a packed A panel with B given by row pointers: step k reads its NR values at
    /// <c>bRows[k] + col</c> (implicit-GEMM convolution: each row is a shifted view of the padded input).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunRows(int kc, float* a, float** bRows, nint col, TV* acc) =>
        Tile<C1, C1, C0>(kc, a, 1, TRows.Value, null, 0, bRows, col, acc, null);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(TReg av, TReg b0, TReg b1, TReg b2, TReg b3, ref TReg c0, ref TReg c1, ref TReg c2, ref TReg c3)
    {
        c0 = TV.MultiplyAddRegister(av, b0, c0);
        if (TCols.Value > 1) c1 = TV.MultiplyAddRegister(av, b1, c1);
        if (TCols.Value > 2) c2 = TV.MultiplyAddRegister(av, b2, c2);
        if (TCols.Value > 3) c3 = TV.MultiplyAddRegister(av, b3, c3);
    }

    // Row r of a finished tile, as GemmTileStore.StoreWhole does it: sums + row bias (+ residual), then Relu (mode 1:
    // max with low = 0) or Clip (mode 2), to C.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishRow(float* c, float* bias, float* res, int r, nint ldc, int mode, TReg lo, TReg hi, TReg c0, TReg c1, TReg c2, TReg c3)
    {
        int W = TV.Count;
        TReg rb = TV.SplatRegister(bias != null ? bias[r] : 0f);
        c += r * ldc;
        if (res != null) res += r * ldc;
        FinishVector(c, res, rb, mode, lo, hi, c0);
        if (TCols.Value > 1) FinishVector(c + W, res == null ? null : res + W, rb, mode, lo, hi, c1);
        if (TCols.Value > 2) FinishVector(c + 2 * W, res == null ? null : res + 2 * W, rb, mode, lo, hi, c2);
        if (TCols.Value > 3) FinishVector(c + 3 * W, res == null ? null : res + 3 * W, rb, mode, lo, hi, c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishVector(float* c, float* res, TReg bias, int mode, TReg lo, TReg hi, TReg v)
    {
        v = TV.AddRegister(v, bias);
        if (res != null) v = TV.AddRegister(v, TV.LoadRegister(res));
        if (mode == 1) v = TV.MaxRegister(v, lo);
        else if (mode == 2) v = TV.MinRegister(TV.MaxRegister(v, lo), hi);
        TV.StoreRegister(c, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Spill(TReg* dst, TReg c0, TReg c1, TReg c2, TReg c3)
    {
        dst[0] = c0;
        if (TCols.Value > 1) dst[1] = c1;
        if (TCols.Value > 2) dst[2] = c2;
        if (TCols.Value > 3) dst[3] = c3;
    }
}
