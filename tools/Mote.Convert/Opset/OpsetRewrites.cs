using Mote.Format;

namespace Mote.Convert.Opset;

/// <summary>Nodes a rewrite adds around the node it rewrites.</summary>
internal sealed class RewriteEmit
{
    /// <summary>Nodes to place before the rewritten node.</summary>
    public List<NodeDef> Before { get; } = [];

    /// <summary>Nodes to place after it.</summary>
    public List<NodeDef> After { get; } = [];
}

/// <summary>
/// The table of opset rewrites: each older operator form is rewritten on import into the newest
/// form, so the runtime implements one form per operator. A rule applies to nodes of its operator
/// (as named in the file) when the model's default-domain opset is below <see cref="Rule.Before"/>.
/// </summary>
internal static class OpsetRewrites
{
    /// <summary>One rewrite: for <paramref name="Op"/> (null: every operator) when opset &lt; <paramref name="Before"/>.</summary>
    internal sealed record Rule(OpType? Op, long Before, string Why, Func<NodeDef, RewriteContext, RewriteEmit, bool> Apply)
    {
        public string Id => $"{(Op is null ? "*" : Op.ToString())}<{(Before == long.MaxValue ? "any" : Before.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
    }

    private static Rule R(OpType? op, long before, string why, Func<NodeDef, RewriteContext, bool> apply) => new(op, before, why, (n, c, _) => apply(n, c));

    private static readonly OpType[] Reduce18 =
    [
        OpType.ReduceMean, OpType.ReduceMax, OpType.ReduceMin, OpType.ReduceProd, OpType.ReduceL1, OpType.ReduceL2,
        OpType.ReduceLogSum, OpType.ReduceLogSumExp, OpType.ReduceSumSquare,
    ];

    private static readonly OpType[] LegacyBroadcastOps =
    [
        OpType.Add, OpType.Sub, OpType.Mul, OpType.Div, OpType.Pow, OpType.And, OpType.Or, OpType.Xor,
        OpType.Equal, OpType.Greater, OpType.Less, OpType.PRelu,
    ];

    /// <summary>Every rule, in the order they are tried.</summary>
    public static IReadOnlyList<Rule> Rules { get; } =
    [
        // Opset 1-6 attribute with no effect on values (an in-place hint).
        R(null, 7, "consumed_inputs was an in-place hint, irrelevant to results", LegacyAttributeRewrites.ConsumedInputs),
        .. LegacyBroadcastOps.Select(op => R(op, 7, "explicit broadcast flag became numpy broadcasting", LegacyAttributeRewrites.LegacyBroadcast)),
        R(OpType.Slice, 10, "starts/ends/axes moved from attributes to inputs", AttributeToInputRewrites.Slice),
        R(OpType.TopK, 10, "k moved from an attribute to an input", AttributeToInputRewrites.TopK),
        R(OpType.Reshape, 5, "shape moved from an attribute to an input", AttributeToInputRewrites.Reshape),
        R(OpType.Split, 13, "split sizes moved from an attribute to an input", AttributeToInputRewrites.SplitAttribute),
        R(OpType.Split, 18, "an equal split must be stated as num_outputs in Split-18", AttributeToInputRewrites.SplitNumOutputs),
        R(OpType.Squeeze, 13, "axes moved from an attribute to an input", AttributeToInputRewrites.Axes),
        R(OpType.Unsqueeze, 13, "axes moved from an attribute to an input", AttributeToInputRewrites.Axes),
        R(OpType.ReduceSum, 13, "axes moved from an attribute to an input", AttributeToInputRewrites.Axes),
        .. Reduce18.Select(op => R(op, 18, "axes moved from an attribute to an input", AttributeToInputRewrites.Axes)),
        R(OpType.Clip, 11, "min/max moved from attributes to inputs", AttributeToInputRewrites.Clip),
        R(OpType.Pad, 11, "pads/value moved from attributes to inputs", AttributeToInputRewrites.Pad),
        R(OpType.RoiAlign, 16, "RoiAlign-10 had no half-pixel shift; RoiAlign-16 defaults to one", VisionRewrites.RoiAlign10),
        R(OpType.DFT, 20, "axis moved from an attribute (default 1) to an input (default -2)", SignalRewrites.DftAxis),
        R(OpType.Dropout, 12, "ratio moved from an attribute to an input; is_test is implied by inference", AttributeToInputRewrites.Dropout),
        R(OpType.Upsample, long.MaxValue, "Upsample is deprecated: Resize with asymmetric/floor reproduces it", ResizeRewrites.Upsample),
        R(OpType.Resize, 11, "Resize-10 had Upsample's coordinate mapping; later defaults differ, so it is spelled out", ResizeRewrites.Resize10),
        new(OpType.Softmax, 13, "2-D coercion at axis became a single-axis operation", SoftmaxRewrites.Coerce2D),
        new(OpType.LogSoftmax, 13, "2-D coercion at axis became a single-axis operation", SoftmaxRewrites.Coerce2D),
        new(OpType.Hardmax, 13, "2-D coercion at axis became a single-axis operation", SoftmaxRewrites.Coerce2D),
        R(OpType.BatchNormalization, 9, "spatial=1 is the only behaviour left; is_test is implied by inference", LegacyAttributeRewrites.BatchNormSpatial),
        R(OpType.BatchNormalization, long.MaxValue, "momentum/training_mode matter only for training", LegacyAttributeRewrites.BatchNormInference),
        R(OpType.Scatter, long.MaxValue, "Scatter (deprecated at 11) is ScatterElements without reduction", LegacyAttributeRewrites.ScatterToScatterElements),
        new(OpType.GroupNormalization, 21, "scale and bias were per group before opset 21, per channel since", GroupNormalizationRewrites.PerGroupToPerChannel),
        // Gemm-6..10 required C; the newest form makes it optional, which is a superset: nothing to rewrite.
        R(OpType.Gemm, 7, "broadcast flag: C always broadcasts since Gemm-7", LegacyAttributeRewrites.GemmBroadcast),
    ];

    /// <summary>Applies every matching rule to <paramref name="node"/> and appends the result (with any added nodes) to <paramref name="output"/>.</summary>
    public static void Apply(NodeDef node, RewriteContext ctx, List<NodeDef> output)
    {
        var original = node.Op;
        var emit = new RewriteEmit();
        foreach (var rule in Rules)
            if ((rule.Op is null || rule.Op == original) && ctx.Opset < rule.Before && rule.Apply(node, ctx, emit))
                ctx.Count($"opset rewrite {rule.Id}");
        output.AddRange(emit.Before);
        output.Add(node);
        output.AddRange(emit.After);
    }
}
