using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Vision;

/// <summary>
/// ONNX MaxUnpool (opset 11, 22): scatters X [N, C, D1…Dr] to the positions I (int64, MaxPool's Indices)
/// of a zero output. Without <c>output_shape</c> the output is [N, C, (Di − 1)·stride − padsBegin − padsEnd +
/// kernel]. With it (input 2, known before the run, else a dynamic step) the output takes that shape and, as
/// ONNX's reference defines it, the indices still address the default shape: the unpooled block is placed
/// at the origin of the larger output (positions beyond a smaller output are dropped). Any element type.
/// </summary>
internal sealed class MaxUnpoolOperator : Operator
{
    private readonly int[] _kernel;
    private readonly int[]? _strides;
    private readonly int[]? _pads;

    public MaxUnpoolOperator(NodeDef node) : base(node)
    {
        _kernel = node.GetIntArray("kernel_shape") ?? throw new MoteShapeException("MaxUnpool needs the 'kernel_shape' attribute");
        _strides = node.GetIntArray("strides");
        _pads = node.GetIntArray("pads");
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(1, "I", DataType.Int64);
        var x = ctx.InputShape(0);
        if (!ctx.InputShape(1).AsSpan().SequenceEqual(x))
            throw new MoteShapeException($"indices {ShapeMath.Format(ctx.InputShape(1))} must have the shape of X {ShapeMath.Format(x)}");
        var inferred = Inferred(x);
        var y = inferred;
        if (ctx.HasInput(2))
        {
            var shape = ctx.GetInts(2);
            if (shape.Length != x.Length || shape[0] != x[0] || shape[1] != x[1] || shape.Any(d => d < 0 || d > int.MaxValue))
                throw new MoteShapeException($"output_shape [{string.Join(",", shape)}] must be [{x[0]}, {x[1]}, …] of rank {x.Length}");
            y = shape.Select(d => (int)d).ToArray();
        }
        ctx.SetOutput(0, ctx.InputType(0), y);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        var inferred = Inferred(x.Shape);
        long limit = ShapeMath.Count(inferred);
        bool same = inferred.AsSpan().SequenceEqual(y.Shape);
        int es = x.Type.Size();
        var src = x.Bytes;
        var dst = y.Bytes;
        dst.Clear();
        var indices = ctx.Input(1).Span<long>();
        Span<int> coord = stackalloc int[x.Rank];
        for (int i = 0; i < indices.Length; i++)
        {
            long at = indices[i];
            if (at < 0 || at >= limit)
                throw new MoteShapeException($"index {at} is outside the unpooled tensor {ShapeMath.Format(inferred)}");
            if (!same)
            {
                // Unravel in the default shape, ravel in the output shape.
                long rest = at;
                for (int d = x.Rank - 1; d >= 0; d--)
                {
                    coord[d] = (int)(rest % inferred[d]);
                    rest /= inferred[d];
                }
                at = 0;
                bool inside = true;
                for (int d = 0; d < x.Rank; d++)
                {
                    inside &= coord[d] < y.Shape[d];
                    at = at * y.Shape[d] + coord[d];
                }
                if (!inside)
                    continue;
            }
            src.Slice(i * es, es).CopyTo(dst.Slice((int)(at * es), es));
        }
    }

    private int[] Inferred(int[] x)
    {
        int r = x.Length - 2;
        if (r < 1 || _kernel.Length != r || (_strides is not null && _strides.Length != r) || (_pads is not null && _pads.Length != 2 * r))
            throw new MoteShapeException($"X {ShapeMath.Format(x)} and kernel_shape/strides/pads of MaxUnpool disagree on the number of spatial dimensions");
        var y = (int[])x.Clone();
        for (int d = 0; d < r; d++)
        {
            long v = (long)(x[2 + d] - 1) * (_strides?[d] ?? 1) - (_pads?[d] ?? 0) - (_pads?[d + r] ?? 0) + _kernel[d];
            if (v < 0 || v > int.MaxValue)
                throw new MoteShapeException($"MaxUnpool output dimension {d} would be {v}");
            y[2 + d] = (int)v;
        }
        return y;
    }
}
