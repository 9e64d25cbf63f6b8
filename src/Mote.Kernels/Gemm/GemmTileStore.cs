using System.Runtime.CompilerServices;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Gemm;

/// <summary>What a depth block contributes to its output tile.</summary>
internal struct GemmTileFlags
{
    public float Alpha, Beta;
    /// <summary>First depth block: C = alpha·acc (+ beta·C). Later blocks: C += alpha·acc.</summary>
    public bool First;
    /// <summary>Last depth block: add the bias and apply the activation.</summary>
    public bool Last;
    public Activation Activation;
}

/// <summary>
/// Where a whole tile of a single depth block goes from registers (<c>SgemmMicroKernel.RunTo</c>): C = sums + row bias
/// (+ residual, same layout as C), then Relu (<see cref="Mode"/> 1, <see cref="Low"/> = 0) or Clip (2) or nothing (0).
/// </summary>
internal unsafe struct GemmTileOutput
{
    public float* C, RowBias, Residual;
    public nint Ldc;
    public int Mode;
    public float Low, High;

    /// <summary>The mode for <paramref name="act"/>, or −1 when it needs more than a clamp (then the tile goes through <see cref="GemmTileStore"/>).</summary>
    public static int ModeOf(in Activation act) =>
        act.IsNone ? 0 : act.HasAffine ? -1 : act.Kind == ActivationKind.Relu ? 1 : act.Kind == ActivationKind.Clip ? 2 : -1;
}

/// <summary>
/// The fused epilogue: moves a microkernel tile (raw sums, <c>acc[r·cols + j]</c>, still in L1) into C
/// while applying alpha, beta, bias, residual (same layout as C) and activation, one vector at a time. Rows past <c>mr</c> and columns
/// past <c>nr</c> are dropped here, the one place that handles partial tiles: a partial vector goes through
/// a small stack buffer, so C (and a per-column bias) is never read or written past its edge.
/// </summary>
internal static unsafe class GemmTileStore
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Store<TV>(TV* acc, int cols, int mr, int nr, float* c, nint ldc,
        float* rowBias, float* colBias, float* residual, in GemmTileFlags f) where TV : unmanaged, ISimdF32<TV>
    {
        int w = TV.Count;
        if (f.First && f.Last && f.Alpha == 1f && f.Beta == 0f && colBias == null && nr == cols * w)
        {
            StoreWhole(acc, cols, mr, c, ldc, rowBias, residual, f.Activation);
            return;
        }
        float* tmpC = stackalloc float[w];
        float* tmpBias = stackalloc float[w];
        float* tmpResidual = stackalloc float[w];
        // The residual joins only with the last depth block, like the bias.
        if (!f.Last) residual = null;
        for (int r = 0; r < mr; r++, c += ldc, residual = residual == null ? null : residual + ldc)
        {
            float rb = rowBias != null ? rowBias[r] : 0f;
            for (int j = 0; j < cols; j++)
            {
                int col = j * w;
                int lanes = nr - col;
                if (lanes <= 0) break;
                TV v = acc[r * cols + j];
                if (lanes >= w)
                {
                    Store(v, c + col, colBias != null ? colBias + col : null, rowBias != null, rb, residual != null ? residual + col : null, f);
                }
                else
                {
                    // Partial vector at the right edge: stage C and the bias lanes on the stack.
                    new Span<float>(tmpC, w).Clear();
                    if (!f.First || f.Beta != 0f) new ReadOnlySpan<float>(c + col, lanes).CopyTo(new Span<float>(tmpC, w));
                    float* cb = null;
                    if (colBias != null)
                    {
                        new Span<float>(tmpBias, w).Clear();
                        new ReadOnlySpan<float>(colBias + col, lanes).CopyTo(new Span<float>(tmpBias, w));
                        cb = tmpBias;
                    }
                    float* rs = null;
                    if (residual != null)
                    {
                        new Span<float>(tmpResidual, w).Clear();
                        new ReadOnlySpan<float>(residual + col, lanes).CopyTo(new Span<float>(tmpResidual, w));
                        rs = tmpResidual;
                    }
                    Store(v, tmpC, cb, rowBias != null, rb, rs, f);
                    new ReadOnlySpan<float>(tmpC, lanes).CopyTo(new Span<float>(c + col, lanes));
                }
            }
        }
    }

    /// <summary>
    /// The common case, a whole tile from a single depth block: C = acc + row bias (+ residual), activated. The
    /// flags are read once into locals (stores through <c>c</c> could alias them, so the general path re-reads
    /// them per vector), and the activation's kind is decided once per tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreWhole<TV>(TV* acc, int cols, int mr, float* c, nint ldc, float* rowBias, float* residual, Activation act)
        where TV : unmanaged, ISimdF32<TV>
    {
        int w = TV.Count;
        int mode = GemmTileOutput.ModeOf(in act);
        for (int r = 0; r < mr; r++, c += ldc, acc += cols)
        {
            TV rb = rowBias != null ? TV.Splat(rowBias[r]) : TV.Zero;
            float* res = residual != null ? residual + r * ldc : null;
            for (int j = 0; j < cols; j++)
            {
                TV v = Finish(acc[j], rb, res == null ? null : res + j * w, mode, in act);
                TV.Store(c + j * w, mode < 0 ? ActivationSimd.Apply(v, act) : v);
            }
        }
    }

    /// <summary>
    /// One finished vector of a single-block tile: sums + row bias (+ the residual at <paramref name="residual"/>),
    /// then Relu or Clip for <see cref="GemmTileOutput.ModeOf"/> 1 and 2; other activations (−1) are left to the caller.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Finish<TV>(TV sums, TV rowBias, float* residual, int mode, in Activation act) where TV : unmanaged, ISimdF32<TV>
    {
        TV v = TV.Add(sums, rowBias);
        if (residual != null) v = TV.Add(v, TV.Load(residual));
        if (mode == 1) return TV.Max(v, TV.Zero);
        if (mode == 2) return TV.Min(TV.Max(v, TV.Splat(act.P0)), TV.Splat(act.P1));
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TV>(TV v, float* c, float* colBias, bool hasRowBias, float rowBias, float* residual, in GemmTileFlags f)
        where TV : unmanaged, ISimdF32<TV>
    {
        if (f.First)
        {
            if (f.Alpha != 1f) v = TV.Multiply(v, TV.Splat(f.Alpha));
            if (f.Beta != 0f) v = TV.MultiplyAdd(TV.Load(c), TV.Splat(f.Beta), v);
        }
        else
        {
            v = f.Alpha == 1f ? TV.Add(TV.Load(c), v) : TV.MultiplyAdd(v, TV.Splat(f.Alpha), TV.Load(c));
        }
        if (f.Last)
        {
            if (hasRowBias) v = TV.Add(v, TV.Splat(rowBias));
            if (colBias != null) v = TV.Add(v, TV.Load(colBias));
            if (residual != null) v = TV.Add(v, TV.Load(residual));
            if (!f.Activation.IsNone) v = ActivationSimd.Apply(v, f.Activation);
        }
        TV.Store(c, v);
    }
}
