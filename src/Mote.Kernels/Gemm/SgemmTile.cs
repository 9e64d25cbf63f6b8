using System.Runtime.CompilerServices;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Gemm;

/// <summary>
/// The register tile a <see cref="SgemmBlocked{TV, TReg, TRows, TCols, TTile}"/> runs on packed A panels: raw sums of a
/// TRows × (TCols·W) tile over one depth block into <c>acc[r·TCols + j]</c>, the layout contract of
/// <see cref="SgemmMicroKernel{TV, TReg, TRows, TCols}"/>.
/// </summary>
internal unsafe interface ISgemmTile<TV> where TV : unmanaged
{
    /// <summary>A packed A panel (MR values per k) times B at <c>b + k·bStep</c>.</summary>
    static abstract void RunPacked(int kc, float* a, float* b, nint bStep, TV* acc);

    /// <summary>A packed A panel times B given as K row pointers (<c>bRows[k] + col</c>).</summary>
    static abstract void RunRows(int kc, float* a, float** bRows, nint col, TV* acc);

    /// <summary>Whether <see cref="RunPackedTo"/> and <see cref="RunRowsTo"/> exist (whole tiles finished in registers).</summary>
    static abstract bool FinishesInRegisters { get; }

    /// <summary><see cref="RunPacked"/> for a whole single-block tile, finished and stored through <paramref name="output"/>.</summary>
    static abstract void RunPackedTo(int kc, float* a, float* b, nint bStep, GemmTileOutput* output);

    /// <summary><see cref="RunRows"/> for a whole single-block tile, finished and stored through <paramref name="output"/>.</summary>
    static abstract void RunRowsTo(int kc, float* a, float** bRows, nint col, GemmTileOutput* output);
}

/// <summary>The portable tile: one broadcast of A per row and k step (<see cref="SgemmMicroKernel{TV, TReg, TRows, TCols}"/>).</summary>
internal unsafe struct BroadcastTile<TV, TReg, TRows, TCols> : ISgemmTile<TV>
    where TV : unmanaged, ISimdF32<TV>, ISimdRegister<TReg>
    where TReg : unmanaged
    where TRows : struct, IConstant
    where TCols : struct, IConstant
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunPacked(int kc, float* a, float* b, nint bStep, TV* acc) =>
        SgemmMicroKernel<TV, TReg, TRows, TCols>.Run<C1>(kc, a, 1, TRows.Value, b, bStep, acc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunRows(int kc, float* a, float** bRows, nint col, TV* acc) =>
        SgemmMicroKernel<TV, TReg, TRows, TCols>.RunRows(kc, a, bRows, col, acc);

    public static bool FinishesInRegisters => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunPackedTo(int kc, float* a, float* b, nint bStep, GemmTileOutput* output) =>
        SgemmMicroKernel<TV, TReg, TRows, TCols>.RunTo(kc, a, b, bStep, output);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunRowsTo(int kc, float* a, float** bRows, nint col, GemmTileOutput* output) =>
        SgemmMicroKernel<TV, TReg, TRows, TCols>.RunRowsTo(kc, a, bRows, col, output);
}
