using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Compress: keeps the slices along <c>axis</c> whose entry in the bool <c>condition</c> is
/// true (entries past the axis length are ignored; a shorter condition drops the remaining
/// slices); without <c>axis</c> the input is flattened first. The output length depends on the
/// condition's values, so they must be known before the run.
/// </summary>
internal sealed class CompressOperator(NodeDef node) : Operator(node)
{
    private readonly long? _axis = node.Attribute("axis") is null ? null : node.GetInt("axis", 0);

    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        ctx.ExpectType(1, "condition", DataType.Bool);
        if (ctx.InputRank(1) != 1)
            throw new MoteShapeException($"condition must be 1-D, got {ShapeMath.Format(ctx.InputShape(1))}");
        if (!ctx.TryGetValue(1, out var condition))
            throw new ValueNotKnownException("the output shape depends on the runtime value of condition");
        int dim = _axis is { } a ? shape[ShapeMath.Axis(a, shape.Length, "Compress")] : checked((int)ShapeMath.Count(shape));
        int kept = Kept(condition, dim);
        if (_axis is { } axis)
        {
            var y = (int[])shape.Clone();
            y[ShapeMath.Axis(axis, shape.Length, "Compress")] = kept;
            ctx.SetOutput(0, ctx.InputType(0), y);
        }
        else
            ctx.SetOutput(0, ctx.InputType(0), [kept]);
    }

    private static int Kept(TensorValue condition, int dim)
    {
        var c = condition.Bytes;
        int n = 0;
        for (int i = 0; i < Math.Min(c.Length, dim); i++)
            n += c[i] != 0 ? 1 : 0;
        return n;
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var c = ctx.Input(1).Bytes;
        int axis = _axis is { } a ? ShapeMath.Axis(a, x.Rank, "Compress") : -1;
        long outer = axis < 0 ? 1 : ShapeMath.Product(x.Shape, 0, axis);
        int dim = axis < 0 ? (int)x.Count : x.Shape[axis];
        int block = (int)((axis < 0 ? 1 : ShapeMath.Product(x.Shape, axis + 1, x.Rank)) * x.Type.Size());
        int kept = Kept(ctx.Input(1), dim);
        var src = x.Bytes;
        var dst = ctx.Output(0).Bytes;
        int limit = Math.Min(c.Length, dim);
        for (long o = 0; o < outer; o++)
        {
            long s0 = o * dim, d = o * kept;
            for (int i = 0; i < limit; i++)
                if (c[i] != 0)
                    src.Slice((int)((s0 + i) * block), block).CopyTo(dst.Slice((int)(d++ * block), block));
        }
    }
}
