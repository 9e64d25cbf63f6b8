using Mote.Format;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Expand: broadcasts the input against the shape given by input 1 (NumPy rules, so the
/// result may be larger than the requested shape). A copy whose source strides are 0 along
/// broadcast dimensions; broadcast innermost runs become fills.
/// </summary>
internal sealed class ExpandOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        var spec = ctx.GetInts(1);
        var target = new int[spec.Length];
        for (int i = 0; i < spec.Length; i++)
            target[i] = spec[i] is >= 0 and <= int.MaxValue ? (int)spec[i] : throw new MoteShapeException($"shape entry {spec[i]} is invalid");
        ctx.SetOutput(0, ctx.InputType(0), ShapeMath.Broadcast(ctx.InputShape(0), target, "Expand"));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        int r = y.Rank, lead = r - x.Rank;
        Span<long> xs = stackalloc long[x.Rank];
        ElementCopy.Strides(x.Shape, xs);
        Span<long> ss = stackalloc long[r];
        for (int i = 0; i < r; i++)
            ss[i] = i < lead || x.Shape[i - lead] == 1 ? 0 : xs[i - lead];
        ElementCopy.View(x, 0, ss, y, y.Shape);
    }
}
