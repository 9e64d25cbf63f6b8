using Mote.Format;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Split (opset 18): cuts the input along <c>axis</c> into the lengths given by the optional
/// <c>split</c> input, or into <c>num_outputs</c> chunks of ceil(dim / n) with a smaller last one,
/// or, with neither, into equal parts, one per output.
/// </summary>
internal sealed class SplitOperator(NodeDef node) : Operator(node)
{
    private readonly long _axis = node.GetInt("axis", 0);
    private readonly long? _numOutputs = node.Attribute("num_outputs") is null ? null : node.GetInt("num_outputs", 0);

    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        if (shape.Length == 0)
            throw new MoteShapeException("Split input must have rank 1 or more, got a scalar");
        int axis = ShapeMath.Axis(_axis, shape.Length, "Split");
        Span<int> sizes = stackalloc int[ctx.OutputCount];
        // An empty split tensor means "not given", as some exporters write it.
        bool hasSplit = ctx.HasInput(1) && ShapeMath.Count(ctx.InputShape(1)) > 0;
        Sizes(shape[axis], hasSplit, hasSplit ? ctx.GetInts(1) : [], sizes);
        for (int i = 0; i < sizes.Length; i++)
        {
            var s = (int[])shape.Clone();
            s[axis] = sizes[i];
            ctx.SetOutput(i, ctx.InputType(0), s);
        }
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        int axis = ShapeMath.Axis(_axis, x.Rank, "Split");
        Span<int> sizes = stackalloc int[ctx.Outputs.Length];
        bool hasSplit = !ctx.Input(1).IsNone && ctx.Input(1).Count > 0;
        Span<long> split = stackalloc long[hasSplit ? (int)ctx.Input(1).Count : 0];
        if (hasSplit)
        {
            var idx = new IndexSpan(ctx.Input(1));
            for (int i = 0; i < split.Length; i++)
                split[i] = idx[i];
        }
        Sizes(x.Shape[axis], hasSplit, split, sizes);
        long outer = ShapeMath.Product(x.Shape, 0, axis);
        long inner = ShapeMath.Product(x.Shape, axis + 1, x.Rank) * x.Type.Size();
        long row = x.Shape[axis] * inner;
        var src = x.Bytes;
        long offset = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            long block = sizes[i] * inner;
            var y = ctx.Output(i);
            if (!y.IsNone && block > 0)
            {
                var dst = y.Bytes;
                for (long o = 0; o < outer; o++)
                    src.Slice((int)(o * row + offset), (int)block).CopyTo(dst.Slice((int)(o * block), (int)block));
            }
            offset += block;
        }
    }

    private void Sizes(int dim, bool hasSplit, ReadOnlySpan<long> split, Span<int> sizes)
    {
        int n = sizes.Length;
        if (hasSplit)
        {
            if (split.Length != n)
                throw new MoteShapeException($"'split' has {split.Length} entries for {n} outputs");
            long sum = 0;
            for (int i = 0; i < n; i++)
            {
                if (split[i] < 0)
                    throw new MoteShapeException($"'split' entry {split[i]} is negative");
                sizes[i] = (int)split[i];
                sum += split[i];
            }
            if (sum != dim)
                throw new MoteShapeException($"'split' sums to {sum}, but the axis has {dim}");
            return;
        }
        if (_numOutputs is { } k)
        {
            if (k != n)
                throw new MoteShapeException($"num_outputs is {k} but the node has {n} outputs");
            int chunk = (int)((dim + k - 1) / k);
            long last = dim - (long)chunk * (n - 1);
            if (last < 0)
                throw new MoteShapeException($"an axis of {dim} cannot be split into {k} chunks of {chunk}");
            sizes.Fill(chunk);
            sizes[^1] = (int)last;
            return;
        }
        if (dim % n != 0)
            throw new MoteShapeException($"an axis of {dim} cannot be split evenly into {n} outputs");
        sizes.Fill(dim / n);
    }
}
