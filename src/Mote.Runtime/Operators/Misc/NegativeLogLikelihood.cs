using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Misc;

/// <summary>How a loss operator reduces its per-element losses.</summary>
internal enum LossReduction
{
    None,
    Sum,
    Mean,
}

/// <summary>
/// The negative log-likelihood shared by NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: for
/// input [N, C, d…] (log-probabilities) and target [N, d…] of class indices,
/// loss[n, d…] = −input[n, target, d…]·weight[target], 0 (with weight 0) where target equals
/// <c>ignore_index</c>. Reductions: none (the [N, d…] losses), sum, or mean = Σ loss / Σ weight of the
/// elements not ignored (NaN when every element is ignored). Sums are taken in double.
/// </summary>
internal static class NegativeLogLikelihood
{
    public static LossReduction ReadReduction(NodeDef node) => node.GetString("reduction", "mean") switch
    {
        "none" => LossReduction.None,
        "sum" => LossReduction.Sum,
        "mean" => LossReduction.Mean,
        var r => throw new MoteNotSupportedException($"{node.Op} reduction '{r}' is not none, sum or mean"),
    };

    /// <summary>Validates input [N, C, d…], target [N, d…] and weight [C]; returns the loss shape.</summary>
    public static int[] InferLoss(ShapeContext ctx, LossReduction reduction, string what)
    {
        var x = ctx.InputShape(0);
        if (x.Length < 2)
            throw new MoteShapeException($"{what} must be [N, C, d…], got {ShapeMath.Format(x)}");
        ctx.ExpectType(1, "target", DataType.Int64, DataType.Int32);
        var t = ctx.InputShape(1);
        int[] expected = [x[0], .. x[2..]];
        if (!t.AsSpan().SequenceEqual(expected))
            throw new MoteShapeException($"target {ShapeMath.Format(t)} must be {ShapeMath.Format(expected)} for {what} {ShapeMath.Format(x)}");
        if (ctx.HasInput(2))
        {
            if (ctx.InputType(2) != ctx.InputType(0))
                throw new MoteShapeException($"weight has type {ctx.InputType(2).ShortName()}, {what} {ctx.InputType(0).ShortName()}");
            if (ctx.InputRank(2) != 1 || ctx.InputShape(2)[0] != x[1])
                throw new MoteShapeException($"weight {ShapeMath.Format(ctx.InputShape(2))} must be [{x[1]}]");
        }
        return reduction == LossReduction.None ? expected : [];
    }

    /// <summary>Computes the loss from log-probabilities <paramref name="logProb"/> laid out [N, C, inner].</summary>
    public static void Compute<T>(ReadOnlySpan<T> logProb, TensorValue target, TensorValue weight, long? ignoreIndex, LossReduction reduction,
        int batch, int classes, int inner, Span<T> loss) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double total = 0, weights = 0;
        for (int n = 0; n < batch; n++)
            for (int i = 0; i < inner; i++)
            {
                int at = n * inner + i;
                long c = target.Type == DataType.Int64 ? target.Span<long>()[at] : target.Span<int>()[at];
                double l = 0, w = 0;
                if (c != ignoreIndex)
                {
                    if (c < 0 || c >= classes)
                        throw new MoteShapeException($"target {c} is not a class index in [0, {classes}) nor the ignore_index");
                    w = weight.IsNone ? 1 : double.CreateTruncating(weight.Span<T>()[(int)c]);
                    l = -double.CreateTruncating(logProb[(n * classes + (int)c) * inner + i]) * w;
                }
                if (reduction == LossReduction.None)
                    loss[at] = T.CreateTruncating(l);
                total += l;
                weights += w;
            }
        if (reduction == LossReduction.Sum)
            loss[0] = T.CreateTruncating(total);
        else if (reduction == LossReduction.Mean)
            loss[0] = T.CreateTruncating(total / weights);
    }
}
