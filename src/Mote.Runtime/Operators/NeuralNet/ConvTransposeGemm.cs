using System.Runtime.InteropServices;
using Mote.Kernels;
using Mote.Kernels.Convolution;
using Mote.Kernels.Gemm;
using Mote.Kernels.NeuralNet;
using Mote.Kernels.Threading;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>One transposed convolution: sizes and raw pointers, valid while the node executes.</summary>
internal unsafe struct ConvTransposeArgs
{
    public float* X, W, Bias, Y;
    public int Images, Groups;
    /// <summary>Input and output channels per group, and kernel positions.</summary>
    public int GroupInputs, GroupOutputs, KernelSize;
    /// <summary>Spatial elements per input channel (GEMM columns) and per output channel.</summary>
    public int InSize, OutSize;
    /// <summary>Input pixels per column window, and the window buffer's row stride.</summary>
    public int WindowColumns, LdColumns;
    /// <summary>Use <see cref="Col2ImNd"/> (rank 3+, or negative pads) instead of the 2-D <see cref="Col2Im"/>.</summary>
    public bool Nd;
    /// <summary>The window tiles the output (kernel = stride, no dilation or padding): <see cref="Col2ImTiled"/>.</summary>
    public bool Tiled;
    /// <summary>The forward convolution's window: its input is this node's output.</summary>
    public Window2D Window;
    /// <summary>For <see cref="Nd"/>: 7 × <see cref="Rank"/> ints (forward input = our output, forward output = our input, kernel, strides, dilations, pad begin, pad end).</summary>
    public int* NdGeometry;
    public int Rank;
    public Activation Activation;

    public readonly int Rows => GroupOutputs * KernelSize;

    public readonly int Tasks => Images * Groups;

    public readonly WindowNd WindowNd()
    {
        var s = new ReadOnlySpan<int>(NdGeometry, 7 * Rank);
        int r = Rank;
        return new WindowNd(s[..r], s.Slice(r, r), s.Slice(2 * r, r), s.Slice(3 * r, r), s.Slice(4 * r, r), s.Slice(5 * r, r), s.Slice(6 * r, r));
    }
}

/// <summary>
/// ConvTranspose as GEMM + col2im, per image and group: the output planes start at the bias, then for each
/// window of input pixels the columns <c>W[g]ᵀ · X[n, g]</c> (weights packed once) are scattered into them by
/// <see cref="Col2Im"/>, and the activation runs over the finished planes.
/// </summary>
/// <remarks>
/// Threads: with enough (image, group) pairs each is one task (its own column buffer, single-threaded GEMM and
/// col2im; groups write disjoint planes). Otherwise pairs and windows run in order, each GEMM split across the
/// pool and col2im split by output channel. Every output element receives its contributions in the same order
/// either way, so results do not depend on the thread count.
/// </remarks>
internal sealed unsafe class ConvTransposeGemm(SgemmKernel sgemm, ActivationKernel activation, SgemmPackedA[]? packed)
{
    /// <summary>Output pixels per window for <paramref name="rows"/> column rows (see <see cref="ConvGemm.ColumnBudget"/>).</summary>
    public int WindowColumns(int rows, int inSize)
    {
        int tile = sgemm.TileColumns;
        int cols = Math.Max(4 * tile, ConvGemm.ColumnBudget / Math.Max(rows, 1) / tile * tile);
        return Math.Max(1, Math.Min(cols, inSize));
    }

    public static long ScratchBytes(in ConvTransposeArgs a, int slots) => ScratchSlots.Bytes(Math.Max(1, Math.Min(slots, a.Tasks)), SlotBytes(in a));

    private static long SlotBytes(in ConvTransposeArgs a) => (long)a.Rows * a.LdColumns * sizeof(float);

    public void Run(ConvTransposeArgs* a, KernelThreadPool? pool, byte* scratch, int slots)
    {
        int tasks = a->Tasks, threads = pool?.ThreadCount ?? 1;
        slots = Math.Min(slots, tasks);
        if (threads > 1 && tasks >= 2 * threads && threads <= slots)
        {
            ScratchSlots.Reset(scratch, slots);
            var self = GCHandle.Alloc(this);
            try
            {
                pool!.Run(new GroupTask { Self = self, Args = a, Scratch = scratch }, tasks);
            }
            finally
            {
                self.Free();
            }
            return;
        }
        float* columns = ScratchSlots.Slot(scratch, 0, SlotBytes(in *a));
        for (int t = 0; t < tasks; t++)
            Group(a, t, columns, pool);
    }

    /// <summary>Task <paramref name="task"/>: every output plane of one group of one image.</summary>
    private void Group(ConvTransposeArgs* args, int task, float* columns, KernelThreadPool? pool)
    {
        ref readonly ConvTransposeArgs a = ref *args;
        int group = task % a.Groups, image = task / a.Groups;
        int m = a.GroupOutputs, rows = a.Rows, k = a.GroupInputs;
        float* x = a.X + ((long)image * a.Groups + group) * k * a.InSize;
        float* y = a.Y + ((long)image * a.Groups + group) * m * a.OutSize;
        var planes = new Span<float>(y, m * a.OutSize);
        for (int c = 0; c < m; c++)
            planes.Slice(c * a.OutSize, a.OutSize).Fill(a.Bias == null ? 0f : a.Bias[group * m + c]);

        for (int start = 0; start < a.InSize; start += a.WindowColumns)
        {
            int count = Math.Min(a.WindowColumns, a.InSize - start);
            var cols = new Span<float>(columns, Extent(rows, a.LdColumns, count));
            var b = new ReadOnlySpan<float>(x + start, Extent(k, a.InSize, count));
            if (packed is not null)
                sgemm.Gemm(packed[group], false, count, 1f, b, a.InSize, 0f, cols, a.LdColumns, default, pool);
            else
                sgemm.Gemm(true, false, rows, count, k, 1f, new ReadOnlySpan<float>(a.W + (long)group * k * rows, k * rows), rows,
                    b, a.InSize, 0f, cols, a.LdColumns, default, pool);
            var scatter = new Col2ImTask { Args = args, Columns = columns, Start = start, Count = count, Image = y };
            int chunks = pool is null ? 1 : Math.Min(m, pool.ThreadCount * 2);
            scatter.Tasks = chunks;
            if (chunks > 1) pool!.Run(scatter, chunks);
            else scatter.Execute(0, null!);
        }
        activation.Apply(a.Activation, planes);
    }

    // Floats spanned by a rows × count block with row stride ld.
    private static int Extent(int rows, int ld, int count) => rows == 0 || count == 0 ? 0 : checked((rows - 1) * ld + count);

    /// <summary>Scatters one column window into output channels [first, end) of a chunk.</summary>
    private struct Col2ImTask : IParallelTask
    {
        public ConvTransposeArgs* Args;
        public float* Columns, Image;
        public int Start, Count, Tasks;

        public readonly void Execute(int taskIndex, KernelScratch scratch)
        {
            ref readonly ConvTransposeArgs a = ref *Args;
            int m = a.GroupOutputs;
            int first = m * taskIndex / Tasks, end = m * (taskIndex + 1) / Tasks, channels = end - first;
            if (channels == 0)
                return;
            var cols = new ReadOnlySpan<float>(Columns + (long)first * a.KernelSize * a.LdColumns, Extent(channels * a.KernelSize, a.LdColumns, Count));
            var image = new Span<float>(Image + (long)first * a.OutSize, channels * a.OutSize);
            if (a.Nd)
                Col2ImNd.Accumulate(cols, a.LdColumns, channels, a.WindowNd(), Start, Count, image);
            else if (a.Tiled)
                Col2ImTiled.Accumulate(cols, a.LdColumns, channels, in a.Window, Start, Count, image);
            else
                Col2Im.Accumulate(cols, a.LdColumns, channels, in a.Window, Start, Count, image);
        }
    }

    private struct GroupTask : IParallelTask
    {
        public GCHandle Self;
        public ConvTransposeArgs* Args;
        public byte* Scratch;

        public readonly void Execute(int taskIndex, KernelScratch scratch)
        {
            var self = (ConvTransposeGemm)Self.Target!;
            int slot = ScratchSlots.Claim(Scratch);
            try
            {
                self.Group(Args, taskIndex, ScratchSlots.Slot(Scratch, slot, SlotBytes(in *Args)), null);
            }
            finally
            {
                ScratchSlots.Release(Scratch, slot);
            }
        }
    }
}
