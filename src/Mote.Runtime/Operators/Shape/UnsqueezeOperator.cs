using Mote.Format;

namespace Mote.Runtime.Operators.Shape;

/// <summary>
/// ONNX Unsqueeze (opset 13): inserts size-1 dimensions at the positions given by the
/// <c>axes</c> input, which refer to the output's rank (negative counts from its end). A view.
/// </summary>
internal sealed class UnsqueezeOperator(NodeDef node) : Operator(node)
{
    public override bool IsView => true;

    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        var axes = ctx.GetInts(1);
        int rank = shape.Length + axes.Length;
        var insert = new bool[rank];
        foreach (var a in axes)
        {
            int axis = ShapeMath.Axis(a, rank, "Unsqueeze");
            if (insert[axis])
                throw new MoteShapeException($"Unsqueeze axis {a} is repeated");
            insert[axis] = true;
        }
        var y = new int[rank];
        for (int d = 0, s = 0; d < rank; d++)
            y[d] = insert[d] ? 1 : shape[s++];
        ctx.SetOutput(0, ctx.InputType(0), y);
    }

    public override void Execute(in NodeContext ctx) => ctx.Input(0).Bytes.CopyTo(ctx.Output(0).Bytes);
}
