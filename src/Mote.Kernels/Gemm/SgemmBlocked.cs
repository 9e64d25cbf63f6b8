using System.Runtime.CompilerServices;
using Mote.Kernels.Simd;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Gemm;

/// <summary>
/// A SIMD SGEMM variant: BLIS-style blocking around a register tile (<typeparamref name="TTile"/>: packed A panels;
/// <see cref="SgemmMicroKernel{TV, TReg, TRows, TCols}"/> for the small-M path).
/// Loops, outermost first: columns in blocks of NC; depth in blocks of KC (a KC×NC block of B is packed
/// into per-thread scratch, and stays in L2, unless prepacked or read in place, see below); rows in blocks
/// of MC (an MC×KC block of A,
/// packed unless prepacked); then NR-wide B panels (a KC×NR panel stays in L1 while every A panel of the
/// block passes by) and MR-tall A panels. Each tile's epilogue runs as it is stored (<see cref="GemmTileStore"/>).
/// A ragged last panel narrower than the tile by a vector or more runs on a tile only as wide as it needs (SqueezeNet's
/// 13×13 layers have N = 169–193: a full 8×48 tile for the last column or 25 wasted up to a fifth of the work).
/// </summary>
/// <remarks>
/// Threading: the output is cut into a grid of MR/NR-aligned rectangles, one task each; depth blocking is
/// the same for every rectangle, so each element's summation order, and hence its value, does not depend
/// on the thread count or on which entry shape (packed or not) was used. Small M (≤ 4, A not prepacked)
/// skips packing A: the microkernel reads A rows in place. A row-major B is read in place (only the ragged
/// last panel is packed) when M ≤ 4, and when M ≤ 256 unless its row stride is a multiple of 1 KiB:
/// with few A panels to share it, a packing pass over B costs more than it saves.
/// </remarks>
internal sealed unsafe class SgemmBlocked<TV, TReg, TRows, TCols, TTile> : SgemmKernel
    where TV : unmanaged, ISimdF32<TV>, ISimdRegister<TReg>
    where TReg : unmanaged
    where TRows : struct, IConstant
    where TCols : struct, IConstant
    where TTile : struct, ISgemmTile<TV>
{
    private const int SmallM = 4;
    private const int InPlaceMaxRows = 256;

    private readonly Blocking _blocking;

    /// <param name="name">Variant name.</param>
    /// <param name="tier">Tier whose features the vector type needs.</param>
    /// <param name="kc">Depth block (KC): a KC×NR B panel should fit in L1.</param>
    /// <param name="mc">Row block (MC, rounded down to a multiple of MR): an MC×KC A block should fit in L2.</param>
    /// <param name="nc">Column block (NC, rounded down to a multiple of NR): a KC×NC B block should fit in L2.</param>
    public SgemmBlocked(string name, KernelTier tier, int kc, int mc, int nc)
    {
        Name = name;
        Tier = tier;
        _blocking = new Blocking { KC = kc, MC = Math.Max(MR, mc / MR * MR), NC = Math.Max(NR, nc / NR * NR) };
    }

    private static int MR => TRows.Value;

    private static int NR => TCols.Value * TV.Count;

    public override string Name { get; }

    public override KernelTier Tier { get; }

    public override int TileRows => MR;

    public override int TileColumns => NR;

    private protected override void Compute(in GemmArgs args, KernelThreadPool? pool)
    {
        if (args.M == 0 || args.N == 0) return;
        int threads = pool?.ThreadCount ?? 1;
        int mPanels = (args.M + MR - 1) / MR, nPanels = (args.N + NR - 1) / NR;
        int mSplit = 1, nSplit = 1;
        // A few tasks per thread so that dynamic claiming evens out the load, but none smaller than the pool's
        // minimum: a small product runs on the calling thread alone.
        int target = KernelThreadPool.TaskCount(pool, (long)args.M * args.N * args.K, threads * 3);
        if (target > 1)
        {
            // Split where the other operand is constant first (nothing packed twice).
            bool preferRows = args.PackedB != null || (args.PackedA == null && mPanels > nPanels);
            if (preferRows)
            {
                mSplit = Math.Min(mPanels, target);
                nSplit = Math.Min(nPanels, (target + mSplit - 1) / mSplit);
            }
            else
            {
                nSplit = Math.Min(nPanels, target);
                mSplit = Math.Min(mPanels, (target + nSplit - 1) / nSplit);
            }
        }
        var job = new Job { Args = args, Blocking = _blocking, MPanels = mPanels, NPanels = nPanels, MSplit = mSplit, NSplit = nSplit };
        int tasks = mSplit * nSplit;
        if (pool is null || tasks == 1) job.Execute(0, pool is null ? KernelScratch.ForCurrentThread : pool.GetScratch(0));
        else pool.Run(job, tasks);
    }

    private struct Blocking
    {
        public int KC, MC, NC;
    }

    private struct Job : IParallelTask
    {
        public GemmArgs Args;
        public Blocking Blocking;
        public int MPanels, NPanels, MSplit, NSplit;

        public readonly void Execute(int taskIndex, KernelScratch scratch)
        {
            int tm = taskIndex / NSplit, tn = taskIndex % NSplit;
            int m0 = (int)((long)MPanels * tm / MSplit) * MR;
            int m1 = Math.Min(Args.M, (int)((long)MPanels * (tm + 1) / MSplit) * MR);
            int n0 = (int)((long)NPanels * tn / NSplit) * NR;
            int n1 = Math.Min(Args.N, (int)((long)NPanels * (tn + 1) / NSplit) * NR);
            if (m0 >= m1 || n0 >= n1) return;
            if (Args.PackedA == null && Args.M <= SmallM)
            {
                switch (Args.M)
                {
                    case 1: SmallRows<C1>(in Args, in Blocking, n0, n1, scratch); break;
                    case 2: SmallRows<C2>(in Args, in Blocking, n0, n1, scratch); break;
                    case 3: SmallRows<C3>(in Args, in Blocking, n0, n1, scratch); break;
                    default: SmallRows<C4>(in Args, in Blocking, n0, n1, scratch); break;
                }
            }
            else
            {
                Blocked(in Args, in Blocking, m0, m1, n0, n1, scratch);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocked(in GemmArgs g, in Blocking bk, int m0, int m1, int n0, int n1, KernelScratch scratch)
    {
        TV* acc = stackalloc TV[MR * TCols.Value];
        int mode = GemmTileOutput.ModeOf(in g.Activation);
        var tile = new GemmTileOutput
        {
            Ldc = g.Ldc, Mode = mode,
            Low = mode == 2 ? g.Activation.P0 : 0f, High = mode == 2 ? g.Activation.P1 : 0f,
        };
        int K = g.K;
        // Packing B costs a pass over K×N that only pays off when many A panels reuse it; with few rows
        // (convolution: M = output channels) the microkernel reads full panels of a row-major B in place.
        // Row strides that are multiples of 1 KiB would make a panel's rows share L1 sets, so those pack.
        bool bInPlace = g.PackedB == null && !g.TransB && g.M <= InPlaceMaxRows && g.Ldb % 256 != 0;
        bool bRows = g.BRows != null;
        for (int jc = n0; jc < n1; jc += bk.NC)
        {
            int nc = Math.Min(bk.NC, n1 - jc);
            int pc = 0;
            do
            {
                int kc = Math.Min(DepthBlock(K, bk.KC), K - pc);
                var flags = Flags(in g, pc, kc);
                // One depth block, nothing to scale or accumulate into, no per-column bias, at most a clamp: whole
                // tiles are finished in registers (RunPackedTo / RunRowsTo) instead of through GemmTileStore.
                bool direct = TTile.FinishesInRegisters && flags.First && flags.Last && flags.Alpha == 1f && flags.Beta == 0f
                    && g.BiasKind != GemmBiasKind.PerColumn && tile.Mode >= 0;
                float* bBlock = null;
                nint bPanelStride = 0;
                int inPlaceEnd = jc; // columns [jc, inPlaceEnd) are read from B itself
                if (g.PackedB != null)
                {
                    bPanelStride = (nint)K * NR;
                    bBlock = g.PackedB + (jc / NR) * bPanelStride + (nint)pc * NR;
                }
                else if (!bRows)
                {
                    if (bInPlace) inPlaceEnd = jc + nc / NR * NR;
                    int packFrom = inPlaceEnd, cols = jc + nc - packFrom;
                    if (cols > 0)
                    {
                        bPanelStride = (nint)kc * NR;
                        bBlock = scratch.B((long)(cols + NR - 1) / NR * bPanelStride);
                        float* src = g.TransB ? g.B + packFrom * g.Ldb : g.B + packFrom;
                        SgemmPacking.PackB(src, g.Ldb, g.TransB, cols, pc, kc, NR, bBlock);
                        bBlock -= (packFrom - jc) / NR * bPanelStride; // so that panel index (jr / NR) still works
                    }
                }

                for (int ic = m0; ic < m1; ic += bk.MC)
                {
                    int mc = Math.Min(bk.MC, m1 - ic);
                    float* aBlock;
                    nint aPanelStride;
                    if (g.PackedA != null)
                    {
                        aPanelStride = (nint)K * MR;
                        aBlock = g.PackedA + (ic / MR) * aPanelStride + (nint)pc * MR;
                    }
                    else
                    {
                        aPanelStride = (nint)kc * MR;
                        aBlock = scratch.A((long)(mc + MR - 1) / MR * aPanelStride);
                        float* src = g.TransA ? g.A + ic : g.A + ic * g.Lda;
                        SgemmPacking.PackA(src, g.Lda, g.TransA, mc, pc, kc, MR, aBlock);
                    }

                    for (int jr = 0; jr < nc; jr += NR)
                    {
                        int nr = Math.Min(NR, nc - jr);
                        bool inPlace = jc + jr < inPlaceEnd;
                        float* bPanel = inPlace ? g.B + pc * g.Ldb + jc + jr : bBlock + (jr / NR) * bPanelStride;
                        nint bStep = inPlace ? g.Ldb : NR;
                        int col = jc + jr;
                        float* colBias = g.BiasKind == GemmBiasKind.PerColumn ? g.Bias + col : null;
                        // A ragged last panel of fewer vectors than the tile runs on a tile just as wide.
                        int vectors = (nr + TV.Count - 1) / TV.Count;
                        for (int ir = 0; ir < mc; ir += MR)
                        {
                            int row = ic + ir;
                            float* aPanel = aBlock + (ir / MR) * aPanelStride;
                            if (vectors < TCols.Value)
                            {
                                Narrow(vectors, kc, aPanel, bPanel, bStep, bRows ? g.BRows + pc : null, col, acc);
                                GemmTileStore.Store(acc, vectors, Math.Min(MR, mc - ir), nr, g.C + row * g.Ldc + col, g.Ldc,
                                    g.BiasKind == GemmBiasKind.PerRow ? g.Bias + row : null, colBias,
                                    g.Residual == null ? null : g.Residual + row * g.Ldc + col, in flags);
                                continue;
                            }
                            if (direct && nr == NR && ir + MR <= mc)
                            {
                                tile.C = g.C + row * g.Ldc + col;
                                tile.RowBias = g.BiasKind == GemmBiasKind.PerRow ? g.Bias + row : null;
                                tile.Residual = g.Residual == null ? null : g.Residual + row * g.Ldc + col;
                                if (bRows)
                                    TTile.RunRowsTo(kc, aPanel, g.BRows + pc, col, &tile);
                                else
                                    TTile.RunPackedTo(kc, aPanel, bPanel, bStep, &tile);
                                continue;
                            }
                            if (bRows)
                                TTile.RunRows(kc, aPanel, g.BRows + pc, col, acc);
                            else
                                TTile.RunPacked(kc, aPanel, bPanel, bStep, acc);
                            float* rowBias = g.BiasKind == GemmBiasKind.PerRow ? g.Bias + row : null;
                            GemmTileStore.Store(acc, TCols.Value, Math.Min(MR, mc - ir), nr, g.C + row * g.Ldc + col, g.Ldc, rowBias, colBias,
                                g.Residual == null ? null : g.Residual + row * g.Ldc + col, in flags);
                        }
                    }
                }
                pc += kc;
            } while (pc < K);
        }
    }

    // A packed A panel times the first `vectors` vectors of a B panel, on the portable broadcast tile that wide; raw sums
    // to acc[r·vectors + j]. Each element is the same FMA chain over k as on the full tile, so results do not change.
    private static void Narrow(int vectors, int kc, float* a, float* b, nint bStep, float** bRows, nint col, TV* acc)
    {
        switch (vectors)
        {
            case 1: NarrowTile<C1>(kc, a, b, bStep, bRows, col, acc); break;
            case 2: NarrowTile<C2>(kc, a, b, bStep, bRows, col, acc); break;
            default: NarrowTile<C3>(kc, a, b, bStep, bRows, col, acc); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NarrowTile<TC>(int kc, float* a, float* b, nint bStep, float** bRows, nint col, TV* acc)
        where TC : struct, IConstant
    {
        if (bRows != null) SgemmMicroKernel<TV, TReg, TRows, TC>.RunRows(kc, a, bRows, col, acc);
        else SgemmMicroKernel<TV, TReg, TRows, TC>.Run<C1>(kc, a, 1, MR, b, bStep, acc);
    }

    // M ≤ 4 rows, A read in place: a microkernel exactly TM rows tall, no A packing, B in place when possible.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SmallRows<TM>(in GemmArgs g, in Blocking bk, int n0, int n1, KernelScratch scratch)
        where TM : struct, IConstant
    {
        TV* acc = stackalloc TV[TM.Value * TCols.Value];
        int K = g.K;
        nint aRow = g.TransA ? 1 : g.Lda, aStep = g.TransA ? g.Lda : 1;
        bool bInPlace = g.PackedB == null && !g.TransB;
        int pc = 0;
        do
        {
            int kc = Math.Min(DepthBlock(K, bk.KC), K - pc);
            var flags = Flags(in g, pc, kc);
            float* a = g.A + pc * aStep;
            float* packed = null;
            int packedFirst = n1;
            if (g.PackedB == null)
            {
                // Pack what cannot be read in place: every column when B is transposed, else only the
                // ragged last panel (n0 is NR-aligned, so panels start at n0 + i·NR).
                packedFirst = bInPlace ? n0 + (n1 - n0) / NR * NR : n0;
                if (packedFirst < n1)
                {
                    int cols = n1 - packedFirst;
                    packed = scratch.B((long)(cols + NR - 1) / NR * kc * NR);
                    float* src = g.TransB ? g.B + packedFirst * g.Ldb : g.B + packedFirst;
                    SgemmPacking.PackB(src, g.Ldb, g.TransB, cols, pc, kc, NR, packed);
                }
            }

            for (int col = n0; col < n1; col += NR)
            {
                int nr = Math.Min(NR, n1 - col);
                float* b;
                nint bStep;
                if (g.PackedB != null) { b = g.PackedB + ((nint)(col / NR) * K + pc) * NR; bStep = NR; }
                else if (col < packedFirst) { b = g.B + pc * g.Ldb + col; bStep = g.Ldb; }
                else { b = packed + (nint)((col - packedFirst) / NR) * kc * NR; bStep = NR; }
                SgemmMicroKernel<TV, TReg, TM, TCols>.Run<C0>(kc, a, aRow, aStep, b, bStep, acc);
                float* colBias = g.BiasKind == GemmBiasKind.PerColumn ? g.Bias + col : null;
                GemmTileStore.Store(acc, TCols.Value, g.M, nr, g.C + col, g.Ldc, g.BiasKind == GemmBiasKind.PerRow ? g.Bias : null, colBias,
                    g.Residual == null ? null : g.Residual + col, in flags);
            }
            pc += kc;
        } while (pc < K);
    }

    /// <summary>
    /// The depth block for K: KC, balanced so that no block is much shorter than the rest (K = 512 is one block of
    /// 512 rather than 384 + 128, K = 576 two of 288). Each extra block stores and reloads every tile of C; a short
    /// last one pays that for little work. Depends on K alone, so the summation order does not depend on threads.
    /// </summary>
    private static int DepthBlock(int k, int kc)
    {
        int blocks = Math.Max(1, (int)Math.Round((double)k / kc));
        return (k + blocks - 1) / blocks;
    }

    private static GemmTileFlags Flags(in GemmArgs g, int pc, int kc) => new()
    {
        Alpha = g.Alpha,
        Beta = g.Beta,
        First = pc == 0,
        Last = pc + kc >= g.K,
        Activation = g.Activation,
    };
}
