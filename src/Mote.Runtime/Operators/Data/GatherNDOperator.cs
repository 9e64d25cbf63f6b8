using Mote.Format;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX GatherND: the last dimension k of <c>indices</c> addresses data dimensions b..b+k-1 within
/// each of the first b (<c>batch_dims</c>) dimensions, which data and indices share. Output shape
/// indices.shape[:-1] + data.shape[b+k:]; each index tuple copies one contiguous slice.
/// </summary>
internal sealed class GatherNDOperator(NodeDef node) : Operator(node)
{
    private readonly int _batch = (int)node.GetInt("batch_dims", 0);

    public override void InferShapes(ShapeContext ctx)
    {
        var x = ctx.InputShape(0);
        var idx = ctx.InputShape(1);
        ctx.ExpectType(1, "indices", DataType.Int32, DataType.Int64);
        int k = Check(x, idx, _batch);
        var y = new int[idx.Length - 1 + x.Length - _batch - k];
        idx.AsSpan(0, idx.Length - 1).CopyTo(y);
        x.AsSpan(_batch + k).CopyTo(y.AsSpan(idx.Length - 1));
        ctx.SetOutput(0, ctx.InputType(0), y);
    }

    /// <summary>Validates the shapes for batch_dims <paramref name="b"/>; returns the tuple length k.</summary>
    public static int Check(int[] x, int[] idx, int b)
    {
        if (x.Length == 0 || idx.Length == 0)
            throw new MoteShapeException($"data {ShapeMath.Format(x)} and indices {ShapeMath.Format(idx)} must have rank 1 or more");
        if (b < 0 || b >= Math.Min(x.Length, idx.Length))
            throw new MoteShapeException($"batch_dims {b} must be less than both ranks {x.Length} and {idx.Length}");
        for (int d = 0; d < b; d++)
            if (x[d] != idx[d])
                throw new MoteShapeException($"batch dimension {d} differs: data {ShapeMath.Format(x)}, indices {ShapeMath.Format(idx)}");
        int k = idx[^1];
        if (k > x.Length - b)
            throw new MoteShapeException($"index tuples of {k} exceed the data rank {x.Length} minus batch_dims {b}");
        return k;
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        var idx = new IndexSpan(ctx.Input(1));
        var ishape = ctx.Input(1).Shape;
        int b = _batch, k = ishape[^1], es = x.Type.Size();
        long batches = ShapeMath.Product(x.Shape, 0, b);
        long tuples = ShapeMath.Product(ishape, b, ishape.Length - 1);
        long slice = ShapeMath.Product(x.Shape, b + k, x.Rank);
        long batchBlock = ShapeMath.Product(x.Shape, b, x.Rank);
        if (y.Count == 0)
            return;
        Span<long> strides = stackalloc long[k];
        long acc = slice;
        for (int j = k - 1; j >= 0; j--)
        {
            strides[j] = acc;
            acc *= x.Shape[b + j];
        }
        var src = x.Bytes;
        var dst = y.Bytes;
        int bytes = (int)(slice * es);
        long t = 0;
        for (long bi = 0; bi < batches; bi++)
            for (long ti = 0; ti < tuples; ti++, t++)
            {
                long off = bi * batchBlock;
                for (int j = 0; j < k; j++)
                    off += idx.Resolve((int)(t * k + j), x.Shape[b + j], "GatherND") * strides[j];
                src.Slice((int)(off * es), bytes).CopyTo(dst.Slice((int)(t * bytes), bytes));
            }
    }
}
