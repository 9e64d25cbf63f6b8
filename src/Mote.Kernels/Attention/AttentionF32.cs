using System.Runtime.InteropServices;
using Mote.Kernels.Elementwise;
using Mote.Kernels.Gemm;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Attention;

/// <summary>
/// Fused scaled dot-product attention in f32 (see <see cref="AttentionArgs"/> for the computation).
/// Work is cut into items (batch, query head, block of query rows); each item computes its block of
/// scores with one SGEMM (scale·Q·Kᵀ, Kᵀ read through the transposed-B path, so no transpose pass),
/// turns every row into probabilities in place (vectorized soft cap, masks and shifted softmax), then
/// multiplies by V with a second SGEMM that stores straight into the output's strided rows. Grouped-query
/// heads simply read the key/value head h / (QueryHeads / KvHeads): nothing is repeated in memory.
/// </summary>
/// <remarks>
/// Memory: a block holds at most <see cref="ScoreBlockFloats"/> scores (rows of KvLength), so long
/// sequences never need the whole score matrix. With a pool, items run across its participants and each
/// keeps its block in its own <see cref="KernelScratch"/> (which the GEMMs, run single-threaded inside an
/// item, do not touch: they use the thread's own scratch); without one, the caller lends
/// <see cref="ScratchFloats"/> floats. Nothing is allocated once the scratch buffers have grown. Every
/// output element is computed by exactly one item in a fixed order, so results do not depend on the
/// thread count.
/// </remarks>
public static unsafe class AttentionF32
{
    /// <summary>Most scores one item holds at once (128 KiB: stays in L2 between the two products).</summary>
    public const int ScoreBlockFloats = 32 * 1024;

    /// <summary>Query rows per item.</summary>
    public static int BlockRows(in AttentionArgs a) => Math.Clamp(ScoreBlockFloats / Math.Max(1, a.KvLength), 1, Math.Max(1, a.QueryLength));

    /// <summary>Floats of caller scratch <see cref="Run"/> needs when it runs without a pool.</summary>
    public static long ScratchFloats(in AttentionArgs a) => (long)BlockRows(in a) * a.KvLength;

    /// <summary>
    /// Computes <paramref name="a"/>.Output (and the optional score copy). <paramref name="scratch"/> holds at
    /// least <see cref="ScratchFloats"/> floats when <paramref name="pool"/> is null; it is unused otherwise.
    /// </summary>
    public static void Run(in AttentionArgs a, SgemmKernel sgemm, SimdWidth width, KernelThreadPool? pool, Span<float> scratch)
    {
        ArgumentNullException.ThrowIfNull(sgemm);
        if (a.QueryHeads <= 0 || a.KvHeads <= 0 || a.QueryHeads % a.KvHeads != 0)
            throw new ArgumentException($"{a.QueryHeads} query heads are not a multiple of {a.KvHeads} key/value heads", nameof(a));
        int rows = BlockRows(in a);
        int blocks = (a.QueryLength + rows - 1) / rows;
        long items = (long)a.Batch * a.QueryHeads * blocks;
        if (items == 0 || a.ValueHeadSize == 0)
            return;
        if (pool is null || pool.ThreadCount == 1 || items == 1)
        {
            if (scratch.Length < ScratchFloats(in a))
                throw new ArgumentException($"scratch holds {scratch.Length} floats; {ScratchFloats(in a)} needed", nameof(scratch));
            fixed (float* s = scratch)
                for (int i = 0; i < items; i++)
                    Item(in a, sgemm, width, i, rows, blocks, s);
            return;
        }
        var handle = GCHandle.Alloc(sgemm);
        try
        {
            fixed (AttentionArgs* pa = &a)
                pool.Run(new ItemTask { Args = pa, Sgemm = GCHandle.ToIntPtr(handle), Width = width, Rows = rows, Blocks = blocks }, checked((int)items));
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>Item <paramref name="index"/>: one block of query rows of one (batch, query head).</summary>
    private static void Item(in AttentionArgs a, SgemmKernel sgemm, SimdWidth width, int index, int rows, int blocks, float* scores)
    {
        int block = index % blocks, bh = index / blocks;
        int h = bh % a.QueryHeads, b = bh / a.QueryHeads;
        int kvh = h / (a.QueryHeads / a.KvHeads);
        int q0 = block * rows, m = Math.Min(rows, a.QueryLength - q0);
        int t = a.KvLength, d = a.HeadSize, dv = a.ValueHeadSize;
        var y = a.Output;
        if (t == 0)
        {
            // No keys: the probabilities are an empty row and the weighted sum is zero.
            for (int i = 0; i < m; i++)
                new Span<float>(y.Row(b, h, q0 + i), dv).Clear();
            return;
        }
        var s = new Span<float>(scores, m * t);
        sgemm.Gemm(false, true, m, t, d, a.Scale,
            View(a.Query.Row(b, h, q0), m, d, a.Query.RowStride), (int)a.Query.RowStride,
            View(a.Key.Row(b, kvh, 0), t, d, a.Key.RowStride), (int)a.Key.RowStride,
            0f, s, t);
        for (int i = 0; i < m; i++)
            AttentionRows.Process(in a, b, h, q0 + i, s.Slice(i * t, t), width);
        sgemm.Gemm(false, false, m, dv, t, 1f, s, t,
            View(a.Value.Row(b, kvh, 0), t, dv, a.Value.RowStride), (int)a.Value.RowStride,
            0f, new Span<float>(y.Row(b, h, q0), (int)Need(m, dv, y.RowStride)), (int)y.RowStride);
    }

    private static ReadOnlySpan<float> View(float* p, int rows, int cols, long stride) => new(p, (int)Need(rows, cols, stride));

    private static long Need(int rows, int cols, long stride) => rows == 0 || cols == 0 ? 0 : (rows - 1) * stride + cols;

    private struct ItemTask : IParallelTask
    {
        public AttentionArgs* Args;
        public nint Sgemm;
        public SimdWidth Width;
        public int Rows, Blocks;

        public readonly void Execute(int taskIndex, KernelScratch scratch)
        {
            var sgemm = (SgemmKernel)GCHandle.FromIntPtr(Sgemm).Target!;
            float* scores = scratch.A((long)Rows * Args->KvLength);
            Item(in *Args, sgemm, Width, taskIndex, Rows, Blocks, scores);
        }
    }
}
