using Mote.Format;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Tile: repeats the input <c>repeats[d]</c> times along each dimension. Viewed as a copy of
/// shape [rep0, d0, rep1, d1, ...] whose repeat dimensions have source stride 0, so whole input
/// rows are copied with memmove and repeated.
/// </summary>
internal sealed class TileOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        var repeats = ctx.GetInts(1);
        if (repeats.Length != shape.Length)
            throw new MoteShapeException($"repeats has {repeats.Length} entries for an input of rank {shape.Length}");
        var y = new int[shape.Length];
        for (int i = 0; i < y.Length; i++)
        {
            if (repeats[i] < 0)
                throw new MoteShapeException($"repeats entry {repeats[i]} is negative");
            y[i] = checked((int)(shape[i] * repeats[i]));
        }
        ctx.SetOutput(0, ctx.InputType(0), y);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        if (y.Count == 0)
            return;
        int r = x.Rank;
        Span<long> xs = stackalloc long[r];
        ElementCopy.Strides(x.Shape, xs);
        Span<int> dims = stackalloc int[2 * r];
        Span<long> ss = stackalloc long[2 * r];
        for (int i = 0; i < r; i++)
        {
            dims[2 * i] = y.Shape[i] / x.Shape[i];
            dims[2 * i + 1] = x.Shape[i];
            ss[2 * i] = 0;
            ss[2 * i + 1] = xs[i];
        }
        ElementCopy.View(x, 0, ss, y, dims);
    }
}
