using Mote.Format;
using Mote.Kernels.Data;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Pad (opset 19): inputs data, pads ([begin..., end...] for the listed axes), optional
/// constant_value (default 0) and axes; modes constant, reflect, edge, wrap. Negative pads crop;
/// the other modes then read from the cropped data. The kept input region is copied into the
/// output with the strided-copy kernel, then the borders are filled axis by axis from the last:
/// at axis d every border position is a whole contiguous block (the dimensions after d are
/// complete by then), written by one fill or one memmove from the mirrored position.
/// </summary>
internal sealed class PadOperator : Operator
{
    private enum Mode { Constant, Reflect, Edge, Wrap }

    private readonly Mode _mode;

    public PadOperator(NodeDef node) : base(node)
    {
        var mode = node.GetString("mode", "constant");
        _mode = mode switch
        {
            "constant" => Mode.Constant,
            "reflect" => Mode.Reflect,
            "edge" => Mode.Edge,
            "wrap" => Mode.Wrap,
            _ => throw new MoteNotSupportedException($"Pad mode '{mode}' is not constant, reflect, edge or wrap"),
        };
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        int r = shape.Length;
        var pads = ctx.GetInts(1);
        var axes = ctx.HasInput(3) ? ctx.GetInts(3) : [];
        if (ctx.HasInput(2) && (ctx.InputType(2) != ctx.InputType(0) || ShapeMath.Count(ctx.InputShape(2)) != 1))
            throw new MoteShapeException($"constant_value must be one {ctx.InputType(0).ShortName()}, got {ctx.InputType(2).ShortName()}{ShapeMath.Format(ctx.InputShape(2))}");
        Span<long> begin = stackalloc long[r];
        Span<long> end = stackalloc long[r];
        Resolve(shape, pads, axes, begin, end);
        var y = new int[r];
        for (int d = 0; d < r; d++)
        {
            long kept = shape[d] - Math.Max(0, -begin[d]) - Math.Max(0, -end[d]);
            if (kept < 0)
                throw new MoteShapeException($"pads [{string.Join(",", pads)}] crop more than dimension {d} of {ShapeMath.Format(shape)} holds");
            if (kept == 0 && _mode != Mode.Constant && (begin[d] > 0 || end[d] > 0))
                throw new MoteShapeException($"{_mode} padding of an empty dimension {d} of {ShapeMath.Format(shape)}");
            y[d] = checked((int)(kept + Math.Max(0, begin[d]) + Math.Max(0, end[d])));
        }
        ctx.SetOutput(0, ctx.InputType(0), y);
    }

    /// <summary>Begin and end pad per dimension from the pads and axes inputs.</summary>
    private static void Resolve(ReadOnlySpan<int> shape, ReadOnlySpan<long> pads, ReadOnlySpan<long> axes, Span<long> begin, Span<long> end)
    {
        int r = shape.Length;
        int n = axes.Length > 0 ? axes.Length : r;
        if (pads.Length != 2 * n)
            throw new MoteShapeException($"pads has {pads.Length} entries, expected {2 * n} for {(axes.Length > 0 ? $"{n} axes" : $"rank {r}")}");
        begin.Clear();
        end.Clear();
        for (int i = 0; i < n; i++)
        {
            int a = axes.Length > 0 ? ShapeMath.Axis(axes[i], r, "Pad") : i;
            begin[a] = pads[i];
            end[a] = pads[n + i];
        }
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        if (y.Count == 0)
            return;
        int r = x.Rank, es = x.Type.Size();
        Span<long> pads = stackalloc long[(int)ctx.Input(1).Count];
        new IndexSpan(ctx.Input(1)).CopyTo(pads);
        var axesValue = ctx.Input(3);
        Span<long> axes = stackalloc long[axesValue.IsNone ? 0 : (int)axesValue.Count];
        if (!axesValue.IsNone)
            new IndexSpan(axesValue).CopyTo(axes);
        Span<long> begin = stackalloc long[r];
        Span<long> end = stackalloc long[r];
        Resolve(x.Shape, pads, axes, begin, end);

        // The kept region: its first input element, its extent and where it lands in the output.
        Span<int> kept = stackalloc int[r];
        Span<long> xs = stackalloc long[r];
        Span<long> ys = stackalloc long[r];
        Span<int> at = stackalloc int[r];
        ElementCopy.Strides(x.Shape, xs);
        ElementCopy.Strides(y.Shape, ys);
        long srcOffset = 0, dstOffset = 0;
        for (int d = 0; d < r; d++)
        {
            int cropBegin = (int)Math.Max(0, -begin[d]);
            kept[d] = (int)(x.Shape[d] - cropBegin - Math.Max(0, -end[d]));
            at[d] = (int)Math.Max(0, begin[d]);
            srcOffset += cropBegin * xs[d];
            dstOffset += at[d] * ys[d];
        }
        var dst = y.Bytes;
        StridedCopy.Copy(x.Bytes, srcOffset, xs, dst, dstOffset, ys, kept, es);

        Span<byte> value = stackalloc byte[8];
        value.Clear();
        if (_mode == Mode.Constant && !ctx.Input(2).IsNone)
            ctx.Input(2).Bytes.CopyTo(value);
        switch (es)
        {
            case 1: Borders(dst, y.Shape, ys, at, kept, value[0]); break;
            case 2: Borders(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(dst), y.Shape, ys, at, kept, System.Runtime.InteropServices.MemoryMarshal.Read<ushort>(value)); break;
            case 4: Borders(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(dst), y.Shape, ys, at, kept, System.Runtime.InteropServices.MemoryMarshal.Read<uint>(value)); break;
            default: Borders(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(dst), y.Shape, ys, at, kept, System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(value)); break;
        }
    }

    /// <summary>
    /// Fills the border of every dimension, last first, around the kept region already in
    /// <paramref name="y"/>: per row of the dimensions before d (inside the kept region), the
    /// border blocks of d are filled with the value or copied from their mirrored position,
    /// which is resolved once per dimension.
    /// </summary>
    private void Borders<T>(Span<T> y, int[] shape, ReadOnlySpan<long> ys, ReadOnlySpan<int> at, ReadOnlySpan<int> kept, T value) where T : unmanaged
    {
        int r = shape.Length;
        Span<int> ctr = stackalloc int[r];
        Span<int> map = stackalloc int[512];
        for (int d = r - 1; d >= 0; d--)
        {
            int lo = at[d], n = kept[d], len = shape[d], hi = len - lo - n;
            if (lo == 0 && hi == 0)
                continue;
            int block = (int)ys[d];
            // Source position of each border position (constant mode has none).
            Span<int> from = _mode == Mode.Constant ? default : lo + hi <= map.Length ? map[..(lo + hi)] : new int[lo + hi];
            for (int p = 0; p < from.Length; p++)
            {
                int pos = p < lo ? p : n + p;
                from[p] = lo + Source(pos - lo, n);
            }
            long outer = 1, rowOffset = 0;
            for (int k = 0; k < d; k++)
            {
                outer *= kept[k];
                rowOffset += at[k] * ys[k];
            }
            ctr.Clear();
            for (long it = 0; it < outer; it++)
            {
                var row = y.Slice((int)rowOffset, len * block);
                if (_mode == Mode.Constant && block == 1)
                {
                    for (int p = 0; p < lo; p++)
                        row[p] = value;
                    for (int p = lo + n; p < len; p++)
                        row[p] = value;
                }
                else if (_mode == Mode.Constant)
                {
                    row[..(lo * block)].Fill(value);
                    row[((lo + n) * block)..].Fill(value);
                }
                else if (block == 1)
                {
                    for (int p = 0; p < lo; p++)
                        row[p] = row[from[p]];
                    for (int p = lo + n, q = lo; p < len; p++, q++)
                        row[p] = row[from[q]];
                }
                else
                {
                    for (int p = 0; p < lo; p++)
                        row.Slice(from[p] * block, block).CopyTo(row.Slice(p * block, block));
                    for (int p = lo + n, q = lo; p < len; p++, q++)
                        row.Slice(from[q] * block, block).CopyTo(row.Slice(p * block, block));
                }
                for (int k = d - 1; k >= 0; k--)
                {
                    if (++ctr[k] < kept[k])
                    {
                        rowOffset += ys[k];
                        break;
                    }
                    ctr[k] = 0;
                    rowOffset -= ys[k] * (kept[k] - 1);
                }
            }
        }
    }

    /// <summary>The kept-region position a border position <paramref name="i"/> (relative to the region start) copies.</summary>
    private int Source(int i, int n)
    {
        switch (_mode)
        {
            case Mode.Edge:
                return Math.Clamp(i, 0, n - 1);
            case Mode.Wrap:
                return (int)(((long)i % n + n) % n);
            default:
                if (n == 1)
                    return 0;
                // Reflection without repeating the edge has period 2(n-1).
                long period = 2L * (n - 1);
                long m = ((long)i % period + period) % period;
                return (int)(m < n ? m : period - m);
        }
    }
}
