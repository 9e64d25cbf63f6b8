using Mote.Format;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX ReverseSequence: for each batch entry b, reverses the first <c>sequence_lens[b]</c> steps
/// along <c>time_axis</c> and copies the rest; batch and time axes are 0 and 1 in either order.
/// Every (batch, step) pair moves one contiguous block of the remaining dimensions.
/// </summary>
internal sealed class ReverseSequenceOperator(NodeDef node) : Operator(node)
{
    private readonly long _batchAxis = node.GetInt("batch_axis", 1);
    private readonly long _timeAxis = node.GetInt("time_axis", 0);

    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        if (shape.Length < 2)
            throw new MoteShapeException($"ReverseSequence needs rank 2 or more, got {ShapeMath.Format(shape)}");
        if (_batchAxis is not (0 or 1) || _timeAxis is not (0 or 1) || _batchAxis == _timeAxis)
            throw new MoteShapeException($"batch_axis {_batchAxis} and time_axis {_timeAxis} must be 0 and 1 in some order");
        ctx.ExpectType(1, "sequence_lens", DataType.Int64, DataType.Int32);
        var lens = ctx.InputShape(1);
        if (lens.Length != 1 || lens[0] != shape[_batchAxis])
            throw new MoteShapeException($"sequence_lens {ShapeMath.Format(lens)} must have one entry per batch entry ({shape[_batchAxis]})");
        ctx.SetOutput(0, ctx.InputType(0), shape);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var lens = new IndexSpan(ctx.Input(1));
        int batch = x.Shape[(int)_batchAxis], steps = x.Shape[(int)_timeAxis];
        int block = (int)(ShapeMath.Product(x.Shape, 2, x.Rank) * x.Type.Size());
        var src = x.Bytes;
        var dst = ctx.Output(0).Bytes;
        for (int b = 0; b < batch; b++)
        {
            long len = lens[b];
            if (len < 0 || len > steps)
                throw new MoteShapeException($"sequence length {len} is outside [0, {steps}]");
            for (int t = 0; t < steps; t++)
            {
                int from = t < len ? (int)(len - 1 - t) : t;
                src.Slice(Offset(b, from, batch, steps) * block, block).CopyTo(dst.Slice(Offset(b, t, batch, steps) * block, block));
            }
        }
    }

    private int Offset(int b, int t, int batch, int steps) => _timeAxis == 0 ? t * batch + b : b * steps + t;
}
