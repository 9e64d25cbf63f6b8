using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Slice (opset 13): inputs data, starts, ends, optional axes and steps. Negative starts and
/// ends count from the end; both are then clamped to [0, dim] for positive steps and to
/// [0, dim-1] / [-1, dim-1] for negative steps, so INT64_MAX / INT64_MIN mean "to the end".
/// The result is a strided view of the input (negative strides for negative steps), copied with
/// the strided-copy kernel: contiguous runs move as one memmove.
/// </summary>
internal sealed class SliceOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        int r = shape.Length;
        var starts = ctx.GetInts(1);
        var ends = ctx.GetInts(2);
        var axes = ctx.HasInput(3) ? ctx.GetInts(3) : [];
        var steps = ctx.HasInput(4) ? ctx.GetInts(4) : [];
        Span<long> start = stackalloc long[r];
        Span<long> step = stackalloc long[r];
        var count = new int[r];
        Window(shape, starts, ends, axes, steps, start, step, count);
        ctx.SetOutput(0, ctx.InputType(0), count);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        if (y.Count == 0)
            return;
        int r = x.Rank;
        Span<long> starts = stackalloc long[(int)ctx.Input(1).Count];
        Span<long> ends = stackalloc long[(int)ctx.Input(2).Count];
        Span<long> axes = stackalloc long[Length(ctx.Input(3))];
        Span<long> steps = stackalloc long[Length(ctx.Input(4))];
        new IndexSpan(ctx.Input(1)).CopyTo(starts);
        new IndexSpan(ctx.Input(2)).CopyTo(ends);
        if (!ctx.Input(3).IsNone)
            new IndexSpan(ctx.Input(3)).CopyTo(axes);
        if (!ctx.Input(4).IsNone)
            new IndexSpan(ctx.Input(4)).CopyTo(steps);

        Span<long> start = stackalloc long[r];
        Span<long> step = stackalloc long[r];
        Span<int> count = stackalloc int[r];
        Window(x.Shape, starts, ends, axes, steps, start, step, count);
        Span<long> strides = stackalloc long[r];
        ElementCopy.Strides(x.Shape, strides);
        long offset = 0;
        for (int d = 0; d < r; d++)
        {
            offset += start[d] * strides[d];
            strides[d] *= step[d];
        }
        ElementCopy.View(x, offset, strides, y, count);
    }

    private static int Length(TensorValue t) => t.IsNone ? 0 : (int)t.Count;

    /// <summary>First index, step and element count per axis of the sliced window.</summary>
    private static void Window(ReadOnlySpan<int> shape, ReadOnlySpan<long> starts, ReadOnlySpan<long> ends, ReadOnlySpan<long> axes,
        ReadOnlySpan<long> steps, Span<long> start, Span<long> step, Span<int> count)
    {
        int r = shape.Length;
        if (starts.Length != ends.Length || (axes.Length > 0 && axes.Length != starts.Length) || (steps.Length > 0 && steps.Length != starts.Length))
            throw new MoteShapeException($"starts, ends, axes and steps must have the same length, got {starts.Length}, {ends.Length}, {axes.Length}, {steps.Length}");
        if (starts.Length > r)
            throw new MoteShapeException($"{starts.Length} slice axes for an input of rank {r}");
        for (int d = 0; d < r; d++)
        {
            start[d] = 0;
            step[d] = 1;
            count[d] = shape[d];
        }
        ulong seen = 0;
        for (int i = 0; i < starts.Length; i++)
        {
            int a = axes.Length > 0 ? ShapeMath.Axis(axes[i], r, "Slice") : i;
            if ((seen & (1UL << a)) != 0)
                throw new MoteShapeException($"axis {a} is sliced twice");
            seen |= 1UL << a;
            long s = steps.Length > 0 ? steps[i] : 1;
            if (s == 0)
                throw new MoteShapeException("a slice step is 0");
            long dim = shape[a];
            long b = starts[i], e = ends[i];
            if (b < 0)
                b += dim;
            if (e < 0)
                e += dim;
            long n;
            if (dim == 0)
            {
                b = 0;
                n = 0;
            }
            else if (s > 0)
            {
                b = Math.Clamp(b, 0, dim);
                e = Math.Clamp(e, 0, dim);
                n = e > b ? (long)((ulong)(e - b - 1) / (ulong)s) + 1 : 0;
            }
            else
            {
                b = Math.Clamp(b, 0, dim - 1);
                e = Math.Clamp(e, -1, dim - 1);
                // -s may overflow for INT64_MIN: take the magnitude as unsigned.
                ulong magnitude = (ulong)(-(s + 1)) + 1;
                n = b > e ? (long)((ulong)(b - e - 1) / magnitude) + 1 : 0;
            }
            start[a] = b;
            step[a] = s;
            count[a] = (int)n;
        }
    }
}
