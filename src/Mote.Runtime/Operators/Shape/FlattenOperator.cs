using Mote.Format;

namespace Mote.Runtime.Operators.Shape;

/// <summary>
/// ONNX Flatten: a 2-D view [prod(dims before axis), prod(dims from axis)]; <c>axis</c> (default 1)
/// may be in [-rank, rank], and axis 0 gives [1, count].
/// </summary>
internal sealed class FlattenOperator(NodeDef node) : Operator(node)
{
    private readonly long _axis = node.GetInt("axis", 1);

    public override bool IsView => true;

    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        long axis = _axis < 0 ? _axis + shape.Length : _axis;
        if (axis < 0 || axis > shape.Length)
            throw new MoteShapeException($"Flatten axis {_axis} is out of range for rank {shape.Length}");
        ctx.SetOutput(0, ctx.InputType(0),
            [checked((int)ShapeMath.Product(shape, 0, (int)axis)), checked((int)ShapeMath.Product(shape, (int)axis, shape.Length))]);
    }

    public override void Execute(in NodeContext ctx) => ctx.Input(0).Bytes.CopyTo(ctx.Output(0).Bytes);
}
