using Mote.Format;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Concat: joins the inputs along <c>axis</c> (negative counts from the end). Inputs that
/// are empty along the axis contribute nothing. Each outer index copies one contiguous block per
/// input, so the work is a sequence of memmoves. When each input is one contiguous slice of the
/// output, the planner mostly has the inputs' producers write there directly and never runs the node
/// (<c>Planner.TryAliasConcat</c> says when it still must).
/// </summary>
internal sealed class ConcatOperator(NodeDef node) : Operator(node)
{
    private readonly long _axis = node.Attribute("axis") is null
        ? throw new MoteShapeException("Concat needs the 'axis' attribute")
        : node.GetInt("axis", 0);

    /// <summary>The join axis for inputs of rank <paramref name="rank"/>.</summary>
    public int Axis(int rank) => ShapeMath.Axis(_axis, rank, "Concat");

    public override void InferShapes(ShapeContext ctx)
    {
        if (ctx.InputCount == 0)
            throw new MoteShapeException("Concat needs at least one input");
        var type = ctx.InputType(0);
        var first = ctx.InputShape(0);
        if (first.Length == 0)
            throw new MoteShapeException("Concat inputs must have rank 1 or more, got a scalar");
        int axis = ShapeMath.Axis(_axis, first.Length, "Concat");
        var shape = (int[])first.Clone();
        long total = 0;
        for (int i = 0; i < ctx.InputCount; i++)
        {
            var s = ctx.InputShape(i);
            if (ctx.InputType(i) != type)
                throw new MoteShapeException($"input {i} is {ctx.InputType(i).ShortName()} but input 0 is {type.ShortName()}");
            if (s.Length != first.Length)
                throw new MoteShapeException($"input {i} has shape {ShapeMath.Format(s)}, input 0 {ShapeMath.Format(first)}: ranks differ");
            for (int d = 0; d < s.Length; d++)
                if (d != axis && s[d] != first[d])
                    throw new MoteShapeException($"input {i} has shape {ShapeMath.Format(s)}, input 0 {ShapeMath.Format(first)}: dimension {d} differs");
            total += s[axis];
        }
        shape[axis] = checked((int)total);
        ctx.SetOutput(0, type, shape);
    }

    public override void Execute(in NodeContext ctx)
    {
        var y = ctx.Output(0);
        int axis = ShapeMath.Axis(_axis, y.Rank, "Concat");
        long outer = ShapeMath.Product(y.Shape, 0, axis);
        long inner = ShapeMath.Product(y.Shape, axis + 1, y.Rank) * y.Type.Size();
        long row = y.Shape[axis] * inner;
        var dst = y.Bytes;
        long offset = 0;
        for (int i = 0; i < ctx.Inputs.Length; i++)
        {
            var x = ctx.Input(i);
            long block = x.Shape[axis] * inner;
            if (block > 0)
            {
                var src = x.Bytes;
                for (long o = 0; o < outer; o++)
                    src.Slice((int)(o * block), (int)block).CopyTo(dst.Slice((int)(o * row + offset), (int)block));
            }
            offset += block;
        }
    }
}
