using Mote.Format;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// ONNX Cast (opset 21; <c>saturate</c> only concerns float8, which is not supported) and CastLike
/// (target type from input 1). Conversions: <see cref="CastConversion"/>. A cast to f16/bf16 outputs
/// f32 values rounded through that precision (16-bit floats compute as f32 inside the graph); so that
/// CastLike rounds too, its target is taken from the model's declaration of input 1 when present.
/// </summary>
internal sealed class CastOperator : Operator
{
    private readonly DataType _to;

    public CastOperator(NodeDef node, BuildContext build) : base(node)
    {
        if (node.Op == OpType.Cast)
        {
            long to = node.GetInt("to", 0);
            _to = (DataType)to;
            if (to is < 0 or > 255 || !DataTypeInfo.IsValid(_to) || !CastConversion.IsTarget(_to))
                throw new MoteNotSupportedException($"Cast to type id {to} is not supported");
        }
        else if (build.Model.Tensors.TryGetValue(node.Input(1), out var like) && CastConversion.IsTarget(like.Type))
            _to = like.Type;
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var from = ctx.InputType(0);
        if (!CastConversion.IsSource(from))
            throw new MoteNotSupportedException($"{Node.Op} from {from.ShortName()} is not supported");
        var to = Target(Node.Op == OpType.CastLike ? ctx.InputType(1) : _to);
        if (!CastConversion.IsTarget(to))
            throw new MoteNotSupportedException($"{Node.Op} to {to.ShortName()} is not supported");
        ctx.SetOutput(0, Graph.SessionGraph.ComputeType(to), ctx.InputShape(0));
    }

    public override void Execute(in NodeContext ctx) =>
        CastConversion.Convert(ctx.Input(0), ctx.Output(0), Target(ctx.Output(0).Type));

    // The declared target when known (it may be f16/bf16), else the compute type seen in the graph.
    private DataType Target(DataType seen) => _to != DataType.Undefined ? _to : seen;
}
