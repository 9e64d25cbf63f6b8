using System.Numerics;
using Mote.Format;
using Mote.Kernels.Elementwise;
using Mote.Kernels.Gemm;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Recurrent;

/// <summary>
/// What LSTM, GRU and RNN share (ONNX opset 14+, f32 and f64): inputs X, W, R, B, sequence_lens, initial_h
/// (LSTM adds initial_c and P), outputs Y, Y_h (LSTM adds Y_c), every one optional but X, W and R; both
/// layouts; forward, reverse and bidirectional walks. Per direction the inputs of all time steps are
/// projected with one GEMM (W packed at load when constant), then each step runs the recurrent GEMM
/// (<see cref="Step"/>, R packed likewise) and the gate math of the concrete operator.
/// </summary>
/// <remarks>
/// sequence_lens: each sequence runs its own length L (0 ≤ L ≤ seq_length); Y is zero past L, Y_h (Y_c) is the
/// state after the last step it ran, and a reverse walk starts at step L − 1. A sequence of length 0 runs no
/// step and gets zero Y_h and Y_c, as ONNX Runtime gives (the ONNX spec does not single that case out).
/// </remarks>
internal abstract class RecurrentOperator : Operator
{
    private readonly SgemmPackedB[]? _packedW;

    protected RecurrentOperator(NodeDef node, BuildContext build, int gates, string[] defaultActivations) : base(node)
    {
        Gates = gates;
        Attributes = RecurrentAttributes.Read(node, defaultActivations);
        if (build.TryGetConstant(node.Input(1), out var w) && w.Rank == 3)
            _packedW = PackRows(build, 1, 0, w.Shape[1]);
    }

    /// <summary>Gate blocks per direction in W and R (LSTM 4, GRU 3, RNN 1).</summary>
    protected int Gates { get; }

    protected RecurrentAttributes Attributes { get; }

    /// <summary>Input index of the initial cell state (LSTM), or −1.</summary>
    protected virtual int CellInput => -1;

    /// <summary>Output index of the final cell state (LSTM), or −1.</summary>
    protected virtual int CellOutput => -1;

    /// <summary>Input index of a per-direction vector of <see cref="DirectionVectorUnits"/>·hidden values (LSTM peepholes), or −1.</summary>
    protected virtual int DirectionVectorInput => -1;

    /// <summary>How many hidden-sized blocks the per-direction vector holds.</summary>
    protected virtual int DirectionVectorUnits => 0;

    /// <summary>Whether the step needs the [batch, hidden] <see cref="RecurrentStep{T}.Extra"/> buffer.</summary>
    protected virtual bool NeedsExtra => false;

    /// <summary>Length of the bias applied inside the recurrence (GRU with linear_before_reset: hidden), else 0.</summary>
    protected virtual int RecurrentBiasLength(int hidden) => 0;

    /// <summary>
    /// Splits one direction's B (Wb then Rb, each gates·hidden) into the bias added to the projected inputs and the
    /// one added inside the recurrence; by default every gate gets Wb + Rb with the projection.
    /// </summary>
    protected virtual void SplitBias<T>(ReadOnlySpan<T> b, Span<T> projected, Span<T> recurrent) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = projected.Length;
        for (int i = 0; i < n; i++)
            projected[i] = b[i] + b[n + i];
    }

    /// <summary>One time step: the recurrent product(s) and the gate math of every active sequence.</summary>
    protected abstract void Step<T>(scoped ref RecurrentStep<T> step) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Packs rows [<paramref name="rowStart"/>, +<paramref name="rows"/>) of each direction's matrix of input
    /// <paramref name="input"/> ([directions, rows, k], a constant f32) for <c>C = A·W_rowsᵀ</c>; null when the input
    /// is not such a constant (the step then multiplies the matrix as it is).
    /// </summary>
    protected SgemmPackedB[]? PackRows(BuildContext build, int input, int rowStart, int rows)
    {
        if (!build.TryGetConstant(Node.Input(input), out var w) || w.Type != DataType.Float32 || w.Rank != 3 || w.Shape[0] != Attributes.Directions)
            return null;
        int total = w.Shape[1], k = w.Shape[2];
        if (rows <= 0 || k <= 0 || rowStart < 0 || rowStart + rows > total)
            return null;
        var data = w.Span<float>();
        var packed = new SgemmPackedB[w.Shape[0]];
        for (int d = 0; d < packed.Length; d++)
            packed[d] = build.Kernels.Sgemm.PackB(true, k, rows, data.Slice((d * total + rowStart) * k, rows * k), k);
        return packed;
    }

    /// <summary>The packed form of direction <paramref name="d"/> for element type <typeparamref name="T"/> (only f32 is packed).</summary>
    protected static SgemmPackedB? Packed<T>(SgemmPackedB[]? packed, int d) => typeof(T) == typeof(float) ? packed?[d] : null;

    public override void InferShapes(ShapeContext ctx)
    {
        var type = ctx.InputType(0);
        if (type is not (DataType.Float32 or DataType.Float64))
            throw new MoteNotSupportedException($"input 'X' has type {type.ShortName()}; supported: f32, f64");
        ctx.ExpectType(1, "W", type);
        ctx.ExpectType(2, "R", type);
        var x = ctx.InputShape(0);
        var w = ctx.InputShape(1);
        var r = ctx.InputShape(2);
        if (x.Length != 3)
            throw new MoteShapeException($"X {ShapeMath.Format(x)} must have rank 3");
        if (r.Length != 3)
            throw new MoteShapeException($"R {ShapeMath.Format(r)} must have rank 3");
        var g = Geometry(x, r);
        int dirs = g.Directions;
        long gh = (long)Gates * g.Hidden;
        if (w.Length != 3 || w[0] != dirs || w[1] != gh || w[2] != g.Input)
            throw new MoteShapeException($"W {ShapeMath.Format(w)} must be [{dirs},{gh},{g.Input}]");
        if (r[0] != dirs || r[1] != gh)
            throw new MoteShapeException($"R {ShapeMath.Format(r)} must be [{dirs},{gh},{g.Hidden}]");
        if (ctx.HasInput(3))
        {
            ctx.ExpectType(3, "B", type);
            var b = ctx.InputShape(3);
            if (b.Length != 2 || b[0] != dirs || b[1] != 2 * gh)
                throw new MoteShapeException($"B {ShapeMath.Format(b)} must be [{dirs},{2 * gh}]");
        }
        if (ctx.HasInput(4))
        {
            ctx.ExpectType(4, "sequence_lens", DataType.Int32, DataType.Int64);
            var lens = ctx.InputShape(4);
            if (lens.Length != 1 || lens[0] != g.Batch)
                throw new MoteShapeException($"sequence_lens {ShapeMath.Format(lens)} must be [{g.Batch}]");
            if (ctx.TryGetValue(4, out var known))
                ReadLengths(known, g.Seq, new int[g.Batch]);
        }
        ExpectState(ctx, 5, "initial_h", type, g);
        if (CellInput >= 0)
            ExpectState(ctx, CellInput, "initial_c", type, g);
        if (DirectionVectorInput >= 0 && ctx.HasInput(DirectionVectorInput))
        {
            ctx.ExpectType(DirectionVectorInput, "P", type);
            var p = ctx.InputShape(DirectionVectorInput);
            if (p.Length != 2 || p[0] != dirs || p[1] != (long)DirectionVectorUnits * g.Hidden)
                throw new MoteShapeException($"P {ShapeMath.Format(p)} must be [{dirs},{DirectionVectorUnits * g.Hidden}]");
        }
        ctx.SetOutput(0, type, g.OutputShape);
        ctx.SetOutput(1, type, g.StateShape);
        if (CellOutput >= 0)
            ctx.SetOutput(CellOutput, type, g.StateShape);
        ctx.RequestScratch(Scratch(g, type.Size()).Total);
    }

    public override void Execute(in NodeContext ctx)
    {
        switch (ctx.Input(0).Type)
        {
            case DataType.Float32: Run<float>(ctx); break;
            case DataType.Float64: Run<double>(ctx); break;
            default: throw new MoteNotSupportedException($"input 'X' has type {ctx.Input(0).Type.ShortName()}; supported: f32, f64");
        }
    }

    private void Run<T>(in NodeContext ctx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = ctx.Input(0);
        var w = ctx.Input(1);
        var r = ctx.Input(2);
        var bias = ctx.Input(3);
        var h0 = ctx.Input(5);
        var c0 = CellInput >= 0 ? ctx.Input(CellInput) : default;
        var vector = DirectionVectorInput >= 0 ? ctx.Input(DirectionVectorInput) : default;
        var y = ctx.Output(0);
        var yh = ctx.Output(1);
        var yc = CellOutput >= 0 ? ctx.Output(CellOutput) : default;
        var g = Geometry(x.Shape, r.Shape);
        int hidden = g.Hidden, gh = Gates * hidden;
        var layout = Scratch(g, System.Runtime.CompilerServices.Unsafe.SizeOf<T>());

        var lengths = ctx.ScratchAs<int>(layout.Lengths, g.Batch);
        int maxLength = ctx.Input(4).IsNone ? FillLengths(lengths, g.Seq) : ReadLengths(ctx.Input(4), g.Seq, lengths);
        var active = ctx.ScratchAs<int>(layout.Active, g.Batch);
        var rows = ctx.ScratchAs<int>(layout.Rows, g.Batch);
        var ys = y.IsNone ? default : y.Span<T>();
        if (!y.IsNone && HasShortSequence(lengths, g.Seq))
            ys.Clear();

        var projected = ctx.ScratchAs<T>(layout.Projected, g.Seq * g.Batch * gh);
        var hState = ctx.ScratchAs<T>(layout.Hidden, g.Batch * hidden);
        var cState = CellInput >= 0 ? ctx.ScratchAs<T>(layout.Cell, g.Batch * hidden) : default;
        var projectedBias = bias.IsNone ? default : ctx.ScratchAs<T>(layout.ProjectedBias, gh);
        var recurrentBias = bias.IsNone ? default : ctx.ScratchAs<T>(layout.RecurrentBias, RecurrentBiasLength(hidden));
        var width = SimdWidths.For(ctx.Kernels.Features);
        // Time-major inputs past the longest sequence are never read: leave them out of the projection.
        int projectedRows = g.Layout == 0 ? maxLength * g.Batch : g.Seq * g.Batch;

        for (int d = 0; d < g.Directions; d++)
        {
            bool reverse = Attributes.IsReverse(d);
            if (!bias.IsNone)
                SplitBias<T>(bias.Span<T>().Slice(d * 2 * gh, 2 * gh), projectedBias, recurrentBias);
            RecurrentGemm.MultiplyTransposed<T>(x.Span<T>(), projectedRows, g.Input, w.Span<T>().Slice(d * gh * g.Input, gh * g.Input),
                Packed<T>(_packedW, d), projectedBias, projected, gh, gh, ctx.Kernels, ctx.Pool);
            LoadState(h0, g, d, hState);
            if (CellInput >= 0)
                LoadState(c0, g, d, cState);

            var step = new RecurrentStep<T>
            {
                Projected = projected,
                Recurrent = ctx.ScratchAs<T>(layout.Recurrent, g.Batch * gh),
                Hidden = hState,
                Cell = cState,
                Extra = NeedsExtra ? ctx.ScratchAs<T>(layout.Extra, g.Batch * hidden) : default,
                RecurrentWeights = r.Span<T>().Slice(d * gh * hidden, gh * hidden),
                RecurrentBias = recurrentBias,
                DirectionVector = vector.IsNone ? default : vector.Span<T>().Slice(d * DirectionVectorUnits * hidden, DirectionVectorUnits * hidden),
                Batch = g.Batch,
                HiddenSize = hidden,
                Direction = d,
                Kernels = ctx.Kernels,
                Pool = ctx.Pool,
                Width = width,
            };
            for (int s = 0; s < maxLength; s++)
            {
                int count = 0;
                for (int b = 0; b < g.Batch; b++)
                    if (s < lengths[b])
                    {
                        active[count] = b;
                        rows[count++] = g.XRow(reverse ? lengths[b] - 1 - s : s, b);
                    }
                step.Active = active[..count];
                step.ProjectedRows = rows[..count];
                Step(ref step);
                if (!y.IsNone)
                    for (int k = 0; k < count; k++)
                    {
                        int b = active[k], t = reverse ? lengths[b] - 1 - s : s;
                        hState.Slice(b * hidden, hidden).CopyTo(ys.Slice((int)g.YOffset(t, d, b), hidden));
                    }
            }
            StoreState(yh, g, d, hState, lengths);
            if (CellOutput >= 0)
                StoreState(yc, g, d, cState, lengths);
        }
    }

    private RecurrentGeometry Geometry(int[] x, int[] r) =>
        RecurrentGeometry.Of(x, Attributes.HiddenSize ?? r[2], Attributes.Directions, Attributes.Layout);

    private static void ExpectState(ShapeContext ctx, int input, string name, DataType type, RecurrentGeometry g)
    {
        if (!ctx.HasInput(input))
            return;
        ctx.ExpectType(input, name, type);
        var s = ctx.InputShape(input);
        if (!s.AsSpan().SequenceEqual(g.StateShape))
            throw new MoteShapeException($"{name} {ShapeMath.Format(s)} must be {ShapeMath.Format(g.StateShape)}");
    }

    /// <summary>Copies direction <paramref name="d"/> of an initial state into [batch, hidden] rows, or zeros when it is omitted.</summary>
    private static void LoadState<T>(TensorValue initial, RecurrentGeometry g, int d, Span<T> state) where T : unmanaged
    {
        if (initial.IsNone)
        {
            state.Clear();
            return;
        }
        var src = initial.Span<T>();
        for (int b = 0; b < g.Batch; b++)
            src.Slice((int)g.StateOffset(d, b), g.Hidden).CopyTo(state.Slice(b * g.Hidden, g.Hidden));
    }

    /// <summary>Writes direction <paramref name="d"/> of a final state (zero for sequences that ran no step), if the output is wanted.</summary>
    private static void StoreState<T>(TensorValue output, RecurrentGeometry g, int d, ReadOnlySpan<T> state, ReadOnlySpan<int> lengths) where T : unmanaged
    {
        if (output.IsNone)
            return;
        var dst = output.Span<T>();
        for (int b = 0; b < g.Batch; b++)
        {
            var row = dst.Slice((int)g.StateOffset(d, b), g.Hidden);
            if (lengths[b] > 0)
                state.Slice(b * g.Hidden, g.Hidden).CopyTo(row);
            else
                row.Clear();
        }
    }

    private static int FillLengths(Span<int> lengths, int seq)
    {
        lengths.Fill(seq);
        return lengths.IsEmpty ? 0 : seq;
    }

    /// <summary>Reads and checks sequence_lens (each in [0, seq_length]); returns the longest.</summary>
    private static int ReadLengths(TensorValue lens, int seq, Span<int> lengths)
    {
        int max = 0;
        for (int b = 0; b < lengths.Length; b++)
        {
            long v = lens.Type == DataType.Int64 ? lens.Span<long>()[b] : lens.Span<int>()[b];
            if (v < 0 || v > seq)
                throw new MoteShapeException($"sequence_lens[{b}] = {v} is outside [0, {seq}]");
            lengths[b] = (int)v;
            max = Math.Max(max, (int)v);
        }
        return max;
    }

    private static bool HasShortSequence(ReadOnlySpan<int> lengths, int seq)
    {
        foreach (int l in lengths)
            if (l < seq)
                return true;
        return false;
    }

    /// <summary>Byte offsets of the scratch buffers, each 64-byte aligned.</summary>
    private readonly record struct ScratchLayout(long Projected, long Recurrent, long Hidden, long Cell, long Extra,
        long ProjectedBias, long RecurrentBias, long Lengths, long Active, long Rows, long Total);

    private ScratchLayout Scratch(RecurrentGeometry g, int size)
    {
        long at = 0;
        long Take(long elements, int elementSize)
        {
            long start = at;
            at += (elements * elementSize + 63) & ~63L;
            return start;
        }
        long gh = (long)Gates * g.Hidden, batchHidden = (long)g.Batch * g.Hidden;
        var layout = new ScratchLayout(
            Projected: Take((long)g.Seq * g.Batch * gh, size),
            Recurrent: Take(g.Batch * gh, size),
            Hidden: Take(batchHidden, size),
            Cell: Take(CellInput >= 0 ? batchHidden : 0, size),
            Extra: Take(NeedsExtra ? batchHidden : 0, size),
            ProjectedBias: Take(gh, size),
            RecurrentBias: Take(RecurrentBiasLength(g.Hidden), size),
            Lengths: Take(g.Batch, sizeof(int)),
            Active: Take(g.Batch, sizeof(int)),
            Rows: Take(g.Batch, sizeof(int)),
            Total: 0);
        if (at > int.MaxValue)
            throw new MoteNotSupportedException($"{Node.Op} of {g.Seq} steps × {g.Batch} sequences × {gh} gate units needs {at} bytes of scratch; at most 2 GiB is supported");
        return layout with { Total = at };
    }
}
