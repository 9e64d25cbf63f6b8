using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Misc;

/// <summary>ONNX NegativeLogLikelihoodLoss (opset 22) in f32/f64: see <see cref="NegativeLogLikelihood"/>.</summary>
internal sealed class NegativeLogLikelihoodLossOperator(NodeDef node) : Operator(node)
{
    private readonly LossReduction _reduction = NegativeLogLikelihood.ReadReduction(node);
    private readonly long? _ignore = node.Attribute("ignore_index") is not null ? node.GetInt("ignore_index", 0) : null;

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "input", DataType.Float32, DataType.Float64);
        ctx.SetOutput(0, ctx.InputType(0), NegativeLogLikelihood.InferLoss(ctx, _reduction, "input"));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        int inner = (int)ShapeMath.Product(x.Shape, 2, x.Rank);
        if (x.Type == DataType.Float32)
            NegativeLogLikelihood.Compute(x.Span<float>(), ctx.Input(1), ctx.Input(2), _ignore, _reduction, x.Shape[0], x.Shape[1], inner, ctx.Output(0).Span<float>());
        else
            NegativeLogLikelihood.Compute(x.Span<double>(), ctx.Input(1), ctx.Input(2), _ignore, _reduction, x.Shape[0], x.Shape[1], inner, ctx.Output(0).Span<double>());
    }
}
