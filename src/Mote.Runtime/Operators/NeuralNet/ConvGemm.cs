using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Mote.Kernels;
using Mote.Kernels.Convolution;
using Mote.Kernels.Gemm;
using Mote.Kernels.NeuralNet;
using Mote.Kernels.Threading;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>Where a convolution GEMM takes its B operand (K × output pixels) from.</summary>
internal enum ColumnSource
{
    /// <summary>1×1, stride 1, no padding: the input channels themselves are the rows of B.</summary>
    Pointwise,
    /// <summary>A window of the 2-D im2col matrix (built by <see cref="Im2ColRows"/>).</summary>
    Im2Col2D,
    /// <summary>A window of the N-D im2col matrix (<see cref="Im2ColNd"/>).</summary>
    Im2ColNd,
    /// <summary>Strides 1 and 2: a band of output rows as an implicit GEMM over a padded copy of its input rows (<see cref="ImplicitConvBand"/>).</summary>
    Implicit,
}

/// <summary>One convolution as GEMMs: sizes and raw pointers, valid while the node executes.</summary>
internal unsafe struct ConvGemmArgs
{
    public float* X, W, Bias, Y;
    /// <summary>Residual laid out like Y, added before the activation (the converter's Conv + Add); null when none.</summary>
    public float* Residual;
    public int Images, Groups;
    /// <summary>Input and output channels per group, and the GEMM depth (input channels · kernel size).</summary>
    public int GroupInputs, GroupOutputs, Depth;
    /// <summary>Spatial elements per input and per output channel.</summary>
    public int InSize, OutSize;
    /// <summary>Output pixels per column window, and the window buffer's row stride.</summary>
    public int WindowColumns, LdColumns;
    public ColumnSource Source;
    /// <summary>The SGEMM variant's register tile width (NR).</summary>
    public int TileColumns;
    /// <summary>Multiply transposed (<see cref="ConvGemm.IsNarrow"/>): the output is a few pixels wide.</summary>
    public bool Transposed;
    /// <summary>Im2col columns go straight into the GEMM's B panels (<see cref="ConvGemm.UsesPanels"/>); <see cref="LdColumns"/> is then whole panels.</summary>
    public bool Panels;
    public Window2D Window;
    /// <summary>For <see cref="ColumnSource.Im2ColNd"/>: 7 × <see cref="Rank"/> ints (input, kernel, strides, dilations, pad begin, pad end, output).</summary>
    public int* Nd;
    public int Rank;
    public Activation Activation;

    /// <summary>For <see cref="ColumnSource.Implicit"/>: output rows per band (a window is a band).</summary>
    public int BandRows;

    public readonly int Windows => Source == ColumnSource.Implicit
        ? (Window.OutputHeight + BandRows - 1) / BandRows
        : (OutSize + WindowColumns - 1) / WindowColumns;

    public readonly int Tasks => Images * Groups * Windows;

    public readonly WindowNd WindowNd()
    {
        var s = new ReadOnlySpan<int>(Nd, 7 * Rank);
        int r = Rank;
        return new WindowNd(s[..r], s.Slice(6 * r, r), s.Slice(r, r), s.Slice(2 * r, r), s.Slice(3 * r, r), s.Slice(4 * r, r), s.Slice(5 * r, r));
    }
}

/// <summary>
/// Convolution lowered to GEMM, <c>Y[n, g] = act(W[g] · B[n, g] + bias)</c>, over windows of output pixels so
/// that the im2col buffer stays bounded (about <see cref="ColumnBudget"/> floats per window). Weights are
/// packed per group once (<see cref="SgemmKernel.PackA"/>), or read in place when they are not constant.
/// </summary>
/// <remarks>
/// Narrow outputs (a few pixels, many channels: audio models' strided convolutions, late 1×1 layers) would fill
/// a fraction of each register tile's columns, so they multiply transposed, <c>Yᵀ = Bᵀ·Wᵀ</c>, with the weights
/// packed a second time as the B operand (on first use) and the few pixels as rows, then transpose the
/// small result into place.
/// Threads: when there are enough (image, group, window) tasks, each task fills its own column buffer (a
/// scratch slot) and runs a single-threaded GEMM, so im2col runs in parallel too; otherwise windows are
/// processed in order and each GEMM is split across the pool. Every output element is computed by one GEMM
/// over the same depth, so results do not depend on the thread count or the split.
/// </remarks>
internal sealed unsafe class ConvGemm(SgemmKernel sgemm, SgemmPackedA[]? packed, ActivationKernel activations)
{
    private SgemmPackedB[]? _packedB;

    /// <summary>Floats per column window buffer (512 KB: it shares L2 with the packed weights).</summary>
    public const int ColumnBudget = 1 << 17;

    /// <summary>Output pixels per window for a GEMM of depth <paramref name="depth"/>.</summary>
    public int WindowColumns(int depth, int outSize)
    {
        int tile = sgemm.TileColumns;
        // Whole register tiles, and at least a few of them: narrower windows re-stream the packed weights too often.
        int cols = Math.Max(4 * tile, ColumnBudget / Math.Max(depth, 1) / tile * tile);
        return Math.Max(1, Math.Min(cols, outSize));
    }

    /// <summary>
    /// Whether a convolution whose output has <paramref name="outSize"/> pixels per image and <paramref name="m"/>
    /// channels per group multiplies transposed: constant weights, a third of a tile's columns or fewer (at
    /// least 4, which the GEMM's small-M path takes without packing), and more channels than pixels.
    /// </summary>
    public bool IsNarrow(int outSize, int m) => packed is not null && outSize <= Math.Max(4, sgemm.TileColumns / 3) && m > outSize;

    /// <summary>
    /// Whether a 2-D (or 1-D) im2col convolution with packed weights writes its columns directly in the GEMM's
    /// B panel layout (<see cref="Im2ColPanels"/>): the GEMM then streams each panel instead of reading NR-wide
    /// pieces of K rows a window apart. Not for <see cref="IsNarrow"/> outputs, which multiply transposed.
    /// </summary>
    public bool UsesPanels(ColumnSource source, bool transposed) => packed is not null && source == ColumnSource.Im2Col2D && !transposed;

    /// <summary>
    /// Whether a 2-D convolution runs as an implicit GEMM (<see cref="ImplicitConvBand"/>): packed weights,
    /// strides up to 2 and a kernel larger than 1×1 (a 1×1 stride-1 convolution needs no copy at all).
    /// </summary>
    public bool UsesImplicit(ColumnSource source, in Window2D w, bool transposed) =>
        packed is not null && source == ColumnSource.Im2Col2D && !transposed && ImplicitConvBand.Fits(in w) && w.KernelSize > 1;

    /// <summary>Output rows per implicit-GEMM band: the padded input rows and the band's results fit about <see cref="ColumnBudget"/> floats.</summary>
    public int BandRows(in Window2D w, int groupInputs, int m)
    {
        long ws = ImplicitConvBand.PhaseWidth(in w), phases = (long)w.StrideHeight * w.StrideWidth;
        long perRow = (groupInputs * phases + m) * ws, fixedRows = (long)ImplicitConvBand.PhaseRows(in w, 0) * groupInputs * phases * ws;
        long rows = Math.Max(1, (ColumnBudget - fixedRows) / Math.Max(1, perRow));
        // At least a few register tiles of columns per band, or the packed weights are re-read too often.
        rows = Math.Max(rows, (4L * sgemm.TileColumns + ws - 1) / ws);
        return (int)Math.Clamp(rows, 1, Math.Max(1, w.OutputHeight));
    }

    /// <summary>The SGEMM variant's register tile width (NR).</summary>
    public int TileColumns => sgemm.TileColumns;

    /// <summary>Row stride of a panel-layout window: whole panels.</summary>
    public int PanelColumns(int columns) => (columns + sgemm.TileColumns - 1) / sgemm.TileColumns * sgemm.TileColumns;

    /// <summary>Row stride of a window buffer: strides that are multiples of 1 KiB make the GEMM pack B (L1 set conflicts).</summary>
    public static int LdColumns(int columns) => columns % 256 == 0 ? columns + 16 : columns;

    /// <summary>Scratch for up to <paramref name="slots"/> parallel windows (0 when B is the input itself).</summary>
    public static long ScratchBytes(in ConvGemmArgs a, int slots) =>
        !NeedsSlot(in a) ? 0 : ScratchSlots.Bytes(Math.Max(1, Math.Min(slots, a.Tasks)), SlotBytes(in a));

    private static bool NeedsSlot(in ConvGemmArgs a) => a.Source != ColumnSource.Pointwise || a.Transposed;

    // The window's im2col columns, then (transposed) the window's Yᵀ.
    private static long ColumnFloats(in ConvGemmArgs a) => a.Source == ColumnSource.Pointwise ? 0 : (long)a.Depth * a.LdColumns;

    private static long SlotBytes(in ConvGemmArgs a) => a.Source == ColumnSource.Implicit
        ? ImplicitLayout(in a).Total
        : (ColumnFloats(in a) + (a.Transposed ? (long)a.GroupOutputs * a.WindowColumns : 0)) * sizeof(float);

    // An implicit-GEMM slot: the padded band, the K row pointers, the band's results (OH·Ws columns per channel);
    // byte offsets, each 64-byte aligned.
    private static (long Pointers, long Results, long Total) ImplicitLayout(in ConvGemmArgs a)
    {
        static long Align(long bytes) => (bytes + 63) & ~63L;
        long band = Align(ImplicitConvBand.Floats(in a.Window, a.GroupInputs, a.BandRows, a.TileColumns) * sizeof(float));
        long pointers = Align((long)a.Depth * sizeof(nint));
        long results = (long)a.GroupOutputs * ImplicitConvBand.Columns(in a.Window, a.BandRows) * sizeof(float);
        return (band, band + pointers, band + pointers + results);
    }

    /// <summary>Computes the convolution; <paramref name="scratch"/> holds <see cref="ScratchBytes"/> for <paramref name="slots"/>.</summary>
    public void Run(ConvGemmArgs* a, KernelThreadPool? pool, byte* scratch, int slots)
    {
        bool columns = NeedsSlot(in *a);
        if (a->Transposed && _packedB is null)
            PackWeightsAsB(in *a);
        int tasks = a->Tasks, threads = pool?.ThreadCount ?? 1;
        slots = Math.Min(slots, tasks);
        if (threads > 1 && tasks >= 2 * threads && (!columns || threads <= slots))
        {
            if (columns)
                ScratchSlots.Reset(scratch, slots);
            var self = GCHandle.Alloc(this);
            try
            {
                pool!.Run(new WindowTask { Self = self, Args = a, Scratch = columns ? scratch : null }, tasks);
            }
            finally
            {
                self.Free();
            }
            return;
        }
        float* buffer = columns ? ScratchSlots.Slot(scratch, 0, SlotBytes(in *a)) : null;
        for (int t = 0; t < tasks; t++)
            Window(in *a, t, buffer, pool);
    }

    /// <summary>Task <paramref name="task"/>: one column window of one group of one image.</summary>
    private void Window(in ConvGemmArgs a, int task, float* columns, KernelThreadPool? pool)
    {
        int windows = a.Windows;
        int w = task % windows, group = task / windows % a.Groups, image = task / windows / a.Groups;
        int start = w * a.WindowColumns, count = Math.Min(a.WindowColumns, a.OutSize - start);
        int m = a.GroupOutputs, k = a.Depth;
        float* x = a.X + ((long)image * a.Groups + group) * a.GroupInputs * a.InSize;
        float* y = a.Y + ((long)image * a.Groups + group) * m * a.OutSize + start;
        float* residual = a.Residual == null ? null : a.Residual + ((long)image * a.Groups + group) * m * a.OutSize + start;

        float* b;
        int ldb;
        switch (a.Source)
        {
            case ColumnSource.Implicit:
                ImplicitBand(in a, image, group, w, columns, pool);
                return;
            case ColumnSource.Pointwise:
                b = x + start;
                ldb = a.InSize;
                break;
            case ColumnSource.Im2Col2D when a.Panels:
            {
                var panels = new Span<float>(columns, checked((int)Im2ColPanels.Floats(k, count, sgemm.TileColumns)));
                Im2ColPanels.Build(new ReadOnlySpan<float>(x, a.GroupInputs * a.InSize), a.GroupInputs, in a.Window, start, count, panels, sgemm.TileColumns);
                var yWindow = new Span<float>(y, Extent(m, a.OutSize, count));
                var bias = Epilogue(in a, group, GemmBiasKind.PerRow, true, residual, count);
                sgemm.Gemm(packed![group], count, 1f, panels, 0f, yWindow, a.OutSize, in bias, pool);
                return;
            }
            case ColumnSource.Im2Col2D:
                Im2ColRows.Build(new ReadOnlySpan<float>(x, a.GroupInputs * a.InSize), a.GroupInputs, in a.Window, start, count,
                    new Span<float>(columns, Extent(k, a.LdColumns, count)), a.LdColumns);
                b = columns;
                ldb = a.LdColumns;
                break;
            default:
                Im2ColNd.Build(new ReadOnlySpan<float>(x, a.GroupInputs * a.InSize), a.GroupInputs, a.WindowNd(), start, count,
                    new Span<float>(columns, Extent(k, a.LdColumns, count)), a.LdColumns);
                b = columns;
                ldb = a.LdColumns;
                break;
        }

        var bSpan = new ReadOnlySpan<float>(b, Extent(k, ldb, count));
        var ySpan = new Span<float>(y, Extent(m, a.OutSize, count));
        if (a.Transposed)
        {
            // Yᵀ (count × m) = Bᵀ · Wᵀ, bias per column of Yᵀ; then into Y's rows.
            var yt = new Span<float>(columns + ColumnFloats(in a), count * m);
            var biasT = Epilogue(in a, group, GemmBiasKind.PerColumn, true, null, count); // never with a residual (ConvOperator)
            sgemm.Gemm(true, count, 1f, bSpan, ldb, _packedB![group], 0f, yt, m, in biasT, pool);
            Mote.Kernels.Data.Transpose2D.Transpose<float>(yt, m, ySpan, a.OutSize, m, count);
            return;
        }
        var epilogue = Epilogue(in a, group, GemmBiasKind.PerRow, true, residual, count);
        if (packed is not null)
            sgemm.Gemm(packed[group], false, count, 1f, bSpan, ldb, 0f, ySpan, a.OutSize, in epilogue, pool);
        else
            sgemm.Gemm(false, false, m, count, k, 1f, new ReadOnlySpan<float>(a.W + (long)group * m * k, m * k), k, bSpan, ldb, 0f, ySpan, a.OutSize, in epilogue, pool);
    }

    // Output rows [band·R, band·R + R) of one group of one image: fill the padded rows, point B's rows into
    // them, multiply into the slot (Ws columns per output row), then keep each row's first OW columns.
    private void ImplicitBand(in ConvGemmArgs a, int image, int group, int band, float* slot, KernelThreadPool? pool)
    {
        ref readonly var win = ref a.Window;
        int oy0 = band * a.BandRows, rows = Math.Min(a.BandRows, win.OutputHeight - oy0);
        int m = a.GroupOutputs, n = ImplicitConvBand.Columns(in win, rows), ws = ImplicitConvBand.PhaseWidth(in win), ow = win.OutputWidth;
        var layout = ImplicitLayout(in a);
        float* x = a.X + ((long)image * a.Groups + group) * a.GroupInputs * a.InSize;
        float** bRows = (float**)((byte*)slot + layout.Pointers);
        float* results = (float*)((byte*)slot + layout.Results);
        ImplicitConvBand.Fill(x, a.GroupInputs, in win, oy0, rows, slot, a.TileColumns);
        ImplicitConvBand.Pointers(slot, a.GroupInputs, in win, rows, bRows);
        // The results have Ws columns per output row, Y and the residual OW: a residual joins (and the activation
        // follows) in the copy into Y instead.
        bool hasResidual = a.Residual != null;
        var epilogue = Epilogue(in a, group, GemmBiasKind.PerRow, !hasResidual, null, 0);
        sgemm.Gemm(packed![group], n, 1f, bRows, 0f, new Span<float>(results, m * n), n, in epilogue, pool);
        long offset = ((long)image * a.Groups + group) * m * a.OutSize + (long)oy0 * ow;
        float* y = a.Y + offset;
        if (!hasResidual)
        {
            ImplicitConvBand.CopyRows(results, m, in win, rows, y, a.OutSize);
            return;
        }
        for (int o = 0; o < m; o++)
            for (int r = 0; r < rows; r++)
            {
                float* dst = y + (long)o * a.OutSize + (long)r * ow, src = results + (long)o * n + (long)r * ws;
                var row = new Span<float>(dst, ow);
                TensorPrimitives.Add(new ReadOnlySpan<float>(src, ow), new ReadOnlySpan<float>(a.Residual + offset + (dst - y), ow), row);
                activations.Apply(a.Activation, row);
            }
    }

    // Bias per output channel of the group (per row of Y, per column of Yᵀ), the activation unless the caller
    // applies it later, and the residual window laid out like Y's.
    private static GemmEpilogue Epilogue(in ConvGemmArgs a, int group, GemmBiasKind kind, bool activation, float* residual, int count)
    {
        int m = a.GroupOutputs;
        var act = activation ? a.Activation : default;
        var e = a.Bias == null ? new GemmEpilogue(act) : new GemmEpilogue(kind, new ReadOnlySpan<float>(a.Bias + (long)group * m, m), act);
        return residual == null ? e : e.WithResidual(new ReadOnlySpan<float>(residual, Extent(m, a.OutSize, count)));
    }

    // Once per operator, by the first run that needs it; a racing run packs its own copy and one of them wins.
    private void PackWeightsAsB(in ConvGemmArgs a)
    {
        var packedB = new SgemmPackedB[a.Groups];
        int m = a.GroupOutputs, k = a.Depth;
        for (int g = 0; g < a.Groups; g++)
            packedB[g] = sgemm.PackB(true, k, m, new ReadOnlySpan<float>(a.W + (long)g * m * k, m * k), k);
        Interlocked.CompareExchange(ref _packedB, packedB, null);
    }

    // Floats spanned by a rows × count block with row stride ld.
    private static int Extent(int rows, int ld, int count) => rows == 0 || count == 0 ? 0 : checked((rows - 1) * ld + count);

    private struct WindowTask : IParallelTask
    {
        public GCHandle Self;
        public ConvGemmArgs* Args;
        public byte* Scratch;

        public readonly void Execute(int taskIndex, KernelScratch scratch)
        {
            var self = (ConvGemm)Self.Target!;
            if (Scratch == null)
            {
                self.Window(in *Args, taskIndex, null, null);
                return;
            }
            int slot = ScratchSlots.Claim(Scratch);
            try
            {
                self.Window(in *Args, taskIndex, ScratchSlots.Slot(Scratch, slot, SlotBytes(in *Args)), null);
            }
            finally
            {
                ScratchSlots.Release(Scratch, slot);
            }
        }
    }
}
