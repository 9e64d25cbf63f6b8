using Mote.Format;

namespace Mote.Runtime.Operators.Shape;

/// <summary>
/// ONNX Squeeze (opset 13): removes the size-1 dimensions listed by the optional <c>axes</c>
/// input (negative counts from the end), or every size-1 dimension without it. A view.
/// </summary>
internal sealed class SqueezeOperator(NodeDef node) : Operator(node)
{
    public override bool IsView => true;

    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        var drop = new bool[shape.Length];
        if (ctx.HasInput(1))
        {
            foreach (var a in ctx.GetInts(1))
            {
                int axis = ShapeMath.Axis(a, shape.Length, "Squeeze");
                if (shape[axis] != 1)
                    throw new MoteShapeException($"cannot squeeze axis {a} of {ShapeMath.Format(shape)}: its size is not 1");
                drop[axis] = true;
            }
        }
        else
            for (int d = 0; d < shape.Length; d++)
                drop[d] = shape[d] == 1;
        ctx.SetOutput(0, ctx.InputType(0), shape.Where((_, d) => !drop[d]).ToArray());
    }

    public override void Execute(in NodeContext ctx) => ctx.Input(0).Bytes.CopyTo(ctx.Output(0).Bytes);
}
