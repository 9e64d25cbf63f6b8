using System.Runtime.CompilerServices;
using Mote.Kernels.Simd;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Quantized;

/// <summary>
/// An integer GEMM variant on 16-bit multiply-add-adjacent (x64 <c>pmaddwd</c>, AVX-VNNI <c>vpdpwssd</c>):
/// operands are packed as zero-point-adjusted int16 pairs (<see cref="QGemmPairPacking"/>), so zero points cost
/// nothing in the inner loop and no correction terms are needed. BLIS-style blocking around
/// <see cref="QGemmMicroKernel{TV, TRows, TCols}"/>: columns in blocks of NC, depth in blocks of KC pairs (a
/// B block packed into per-thread scratch unless prepacked), rows in blocks of MC (packed unless prepacked).
/// </summary>
/// <remarks>
/// Depth blocks after the first add into C, which is exact in integers, so the blocking and the thread split
/// (rectangles of whole tiles, as in SGEMM) never change a result.
/// </remarks>
internal sealed unsafe class QGemmMadd<TV, TRows, TCols> : QGemmKernel
    where TV : unmanaged, IMaddLanes<TV>
    where TRows : struct, IConstant
    where TCols : struct, IConstant
{
    private readonly Blocking _blocking;
    private readonly Func<CpuFeatures, bool> _supported;

    /// <param name="name">Variant name.</param>
    /// <param name="tier">Tier whose features the vector type needs.</param>
    /// <param name="kcPairs">Depth block in k pairs: a KC×NR panel of B should fit in L1.</param>
    /// <param name="mc">Row block (rounded down to a multiple of MR).</param>
    /// <param name="nc">Column block (rounded down to a multiple of NR).</param>
    /// <param name="supported">Extra feature test beyond the tier (AVX-512BW), or null.</param>
    public QGemmMadd(string name, KernelTier tier, int kcPairs, int mc, int nc, Func<CpuFeatures, bool>? supported = null)
    {
        Name = name;
        Tier = tier;
        _blocking = new Blocking { KCP = kcPairs, MC = Math.Max(MR, mc / MR * MR), NC = Math.Max(NR, nc / NR * NR) };
        _supported = supported ?? (_ => true);
    }

    private static int MR => TRows.Value;

    private static int NR => TCols.Value * TV.Count;

    public override string Name { get; }

    public override KernelTier Tier { get; }

    public override int TileRows => MR;

    public override int TileColumns => NR;

    public override bool IsSupportedBy(CpuFeatures features) => base.IsSupportedBy(features) && _supported(features);

    private static int Pairs(int k) => (k + 1) / 2;

    private protected override int PackedALength(int m, int k) => checked((m + MR - 1) / MR * MR * Pairs(k));

    private protected override int PackedBLength(int k, int n) => checked((n + NR - 1) / NR * NR * Pairs(k));

    private protected override void PackACore(in QGemmArgs g, int* dst) => QGemmPairPacking.PackA(in g, 0, g.M, 0, Pairs(g.K), MR, dst);

    private protected override void PackBCore(in QGemmArgs g, int* dst) => QGemmPairPacking.PackB(in g, 0, g.N, 0, Pairs(g.K), NR, dst);

    private protected override void Compute(in QGemmArgs args, KernelThreadPool? pool)
    {
        int threads = pool?.ThreadCount ?? 1;
        int mPanels = (args.M + MR - 1) / MR, nPanels = (args.N + NR - 1) / NR;
        int mSplit = 1, nSplit = 1;
        if (threads > 1)
        {
            // Split where the other operand is packed once, so nothing is packed twice; a few tasks per thread.
            int target = threads * 3;
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
        if (pool is null)
            job.Execute(0, KernelScratch.ForCurrentThread);
        else
            pool.Run(job, mSplit * nSplit);
    }

    private struct Blocking
    {
        public int KCP, MC, NC;
    }

    private struct Job : IParallelTask
    {
        public QGemmArgs Args;
        public Blocking Blocking;
        public int MPanels, NPanels, MSplit, NSplit;

        public readonly void Execute(int taskIndex, KernelScratch scratch)
        {
            int tm = taskIndex / NSplit, tn = taskIndex % NSplit;
            int m0 = (int)((long)MPanels * tm / MSplit) * MR;
            int m1 = Math.Min(Args.M, (int)((long)MPanels * (tm + 1) / MSplit) * MR);
            int n0 = (int)((long)NPanels * tn / NSplit) * NR;
            int n1 = Math.Min(Args.N, (int)((long)NPanels * (tn + 1) / NSplit) * NR);
            if (m0 < m1 && n0 < n1)
                Blocked(in Args, in Blocking, m0, m1, n0, n1, scratch);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocked(in QGemmArgs g, in Blocking bk, int m0, int m1, int n0, int n1, KernelScratch scratch)
    {
        TV* acc = stackalloc TV[MR * TCols.Value];
        int pairs = Pairs(g.K);
        for (int jc = n0; jc < n1; jc += bk.NC)
        {
            int nc = Math.Min(bk.NC, n1 - jc);
            for (int pc = 0; pc < pairs; pc += bk.KCP)
            {
                int kcp = Math.Min(bk.KCP, pairs - pc);
                int* bBlock;
                nint bPanelStride;
                if (g.PackedB != null)
                {
                    bPanelStride = (nint)pairs * NR;
                    bBlock = g.PackedB + (jc / NR) * bPanelStride + (nint)pc * NR;
                }
                else
                {
                    bPanelStride = (nint)kcp * NR;
                    bBlock = (int*)scratch.B((long)(nc + NR - 1) / NR * bPanelStride);
                    QGemmPairPacking.PackB(in g, jc, nc, pc, kcp, NR, bBlock);
                }
                for (int ic = m0; ic < m1; ic += bk.MC)
                {
                    int mc = Math.Min(bk.MC, m1 - ic);
                    int* aBlock;
                    nint aPanelStride;
                    if (g.PackedA != null)
                    {
                        aPanelStride = (nint)pairs * MR;
                        aBlock = g.PackedA + (ic / MR) * aPanelStride + (nint)pc * MR;
                    }
                    else
                    {
                        aPanelStride = (nint)kcp * MR;
                        aBlock = (int*)scratch.A((long)(mc + MR - 1) / MR * aPanelStride);
                        QGemmPairPacking.PackA(in g, ic, mc, pc, kcp, MR, aBlock);
                    }
                    for (int jr = 0; jr < nc; jr += NR)
                    {
                        int* bPanel = bBlock + (jr / NR) * bPanelStride;
                        int nr = Math.Min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR)
                        {
                            QGemmMicroKernel<TV, TRows, TCols>.Run(kcp, aBlock + (ir / MR) * aPanelStride, bPanel, acc);
                            Store(acc, Math.Min(MR, mc - ir), nr, g.C + (nint)(ic + ir) * g.Ldc + jc + jr, g.Ldc, first: pc == 0);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Moves a tile into C (the first depth block stores, later ones add); rows past mr and columns past nr are dropped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(TV* acc, int mr, int nr, int* c, nint ldc, bool first)
    {
        int w = TV.Count;
        int* tmp = stackalloc int[w];
        for (int r = 0; r < mr; r++, c += ldc)
            for (int j = 0; j < TCols.Value; j++)
            {
                int col = j * w, lanes = nr - col;
                if (lanes <= 0)
                    break;
                TV v = acc[r * TCols.Value + j];
                if (lanes >= w)
                {
                    TV.Store(c + col, first ? v : TV.Add(v, TV.Load(c + col)));
                }
                else
                {
                    TV.Store(tmp, v);
                    for (int i = 0; i < lanes; i++)
                        c[col + i] = first ? tmp[i] : unchecked(c[col + i] + tmp[i]);
                }
            }
    }
}
