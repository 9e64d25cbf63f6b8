using Mote.Format;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Trilu: keeps the upper (<c>upper</c>=1, column ≥ row + k) or lower (column ≤ row + k)
/// triangle of the last two dimensions and zeros the rest; k is the optional scalar input 1
/// (read when the node runs, it does not change the shape). Each row is one kept run copied and
/// one or two zeroed runs.
/// </summary>
internal sealed class TriluOperator(NodeDef node) : Operator(node)
{
    private readonly bool _upper = node.GetInt("upper", 1) != 0;

    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        if (shape.Length < 2)
            throw new MoteShapeException($"Trilu needs rank 2 or more, got {ShapeMath.Format(shape)}");
        if (ctx.HasInput(1))
        {
            ctx.ExpectType(1, "k", DataType.Int64, DataType.Int32);
            if (ShapeMath.Count(ctx.InputShape(1)) != 1)
                throw new MoteShapeException($"k must be a scalar, got {ShapeMath.Format(ctx.InputShape(1))}");
        }
        ctx.SetOutput(0, ctx.InputType(0), shape);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        long k = ctx.Input(1).IsNone ? 0 : new IndexSpan(ctx.Input(1))[0];
        int rows = x.Shape[^2], cols = x.Shape[^1], es = x.Type.Size();
        long matrices = ShapeMath.Product(x.Shape, 0, x.Rank - 2);
        var src = x.Bytes;
        var dst = y.Bytes;
        int rowBytes = cols * es;
        for (long m = 0; m < matrices; m++)
            for (int i = 0; i < rows; i++)
            {
                int off = (int)((m * rows + i) * rowBytes);
                // Kept columns [from, to) of this row.
                long from = _upper ? Math.Clamp(i + k, 0, cols) : 0;
                long to = _upper ? cols : Math.Clamp(i + k + 1, 0, cols);
                var d = dst.Slice(off, rowBytes);
                d[..(int)(from * es)].Clear();
                src.Slice(off + (int)(from * es), (int)((to - from) * es)).CopyTo(d.Slice((int)(from * es)));
                d[(int)(to * es)..].Clear();
            }
    }
}
