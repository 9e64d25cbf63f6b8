using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Misc;

/// <summary>
/// ONNX SoftmaxCrossEntropyLoss (opset 13) in f32/f64: log_prob = log-softmax of scores [N, C, d…] along
/// the class axis (shifted by the maximum, in double), then the negative log-likelihood of the labels
/// (<see cref="NegativeLogLikelihood"/>). The optional second output is log_prob.
/// </summary>
internal sealed class SoftmaxCrossEntropyLossOperator(NodeDef node) : Operator(node)
{
    private readonly LossReduction _reduction = NegativeLogLikelihood.ReadReduction(node);
    private readonly long? _ignore = node.Attribute("ignore_index") is not null ? node.GetInt("ignore_index", 0) : null;

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "scores", DataType.Float32, DataType.Float64);
        var t = ctx.InputType(0);
        ctx.SetOutput(0, t, NegativeLogLikelihood.InferLoss(ctx, _reduction, "scores"));
        ctx.SetOutput(1, t, ctx.InputShape(0));
        // log_prob goes to scratch when the node does not output it.
        ctx.RequestScratch(ShapeMath.Count(ctx.InputShape(0)) * t.Size());
    }

    public override void Execute(in NodeContext ctx)
    {
        if (ctx.Input(0).Type == DataType.Float32)
            Run<float>(ctx);
        else
            Run<double>(ctx);
    }

    private void Run<T>(in NodeContext ctx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = ctx.Input(0);
        int batch = x.Shape[0], classes = x.Shape[1], inner = (int)ShapeMath.Product(x.Shape, 2, x.Rank);
        var logProb = ctx.Output(1).IsNone ? ctx.ScratchAs<T>(0, (int)x.Count) : ctx.Output(1).Span<T>();
        LogSoftmax(x.Span<T>(), logProb, batch, classes, inner);
        NegativeLogLikelihood.Compute<T>(logProb, ctx.Input(1), ctx.Input(2), _ignore, _reduction, batch, classes, inner, ctx.Output(0).Span<T>());
    }

    private static void LogSoftmax<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int classes, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n < batch; n++)
            for (int i = 0; i < inner; i++)
            {
                int at = n * classes * inner + i;
                double max = double.NegativeInfinity, sum = 0;
                for (int c = 0; c < classes; c++)
                    max = Math.Max(max, double.CreateTruncating(x[at + c * inner]));
                for (int c = 0; c < classes; c++)
                    sum += Math.Exp(double.CreateTruncating(x[at + c * inner]) - max);
                double log = Math.Log(sum);
                for (int c = 0; c < classes; c++)
                    y[at + c * inner] = T.CreateTruncating(double.CreateTruncating(x[at + c * inner]) - max - log);
            }
    }
}
