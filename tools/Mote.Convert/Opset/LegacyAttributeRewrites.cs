using Mote.Format;
using static Mote.Convert.Opset.NodeEdit;

namespace Mote.Convert.Opset;

/// <summary>Attributes of old opsets that only mattered for training or were folded into newer defaults.</summary>
internal static class LegacyAttributeRewrites
{
    /// <summary>Opset 1-6 <c>consumed_inputs</c> was an in-place hint with no effect on values.</summary>
    public static bool ConsumedInputs(NodeDef node, RewriteContext ctx) => node.RemoveAttribute("consumed_inputs");

    /// <summary>
    /// Opset 1-6 binary operators broadcast only with <c>broadcast=1</c>, aligning B at <c>axis</c>.
    /// Without an axis that is suffix alignment, which numpy broadcasting (opset 7+) reproduces.
    /// </summary>
    public static bool LegacyBroadcast(NodeDef node, RewriteContext ctx)
    {
        var broadcast = TakeInt(node, "broadcast");
        var axis = node.Attribute("axis");
        if (broadcast == 1 && axis is not null)
            throw ctx.Error(node, "legacy broadcasting with an explicit 'axis' (opset < 7) is not supported");
        node.RemoveAttribute("axis");
        return broadcast is not null || axis is not null;
    }

    /// <summary>BatchNormalization before 9: <c>spatial=1</c> is the only behaviour newer opsets have; <c>is_test</c> (before 7) is implied.</summary>
    public static bool BatchNormSpatial(NodeDef node, RewriteContext ctx)
    {
        var spatial = TakeInt(node, "spatial");
        if (spatial == 0)
            throw ctx.Error(node, "BatchNormalization with spatial=0 (per-activation statistics) is not supported");
        bool isTest = TakeInt(node, "is_test") is not null;
        return spatial is not null || isTest;
    }

    /// <summary>BatchNormalization: <c>momentum</c> only updates running statistics in training; inference-only models must not train.</summary>
    public static bool BatchNormInference(NodeDef node, RewriteContext ctx)
    {
        bool momentum = node.RemoveAttribute("momentum");
        var training = TakeInt(node, "training_mode");
        if (training is { } t && t != 0)
            throw ctx.Error(node, "BatchNormalization with training_mode=1 is not supported (inference only)");
        return momentum || training is not null;
    }

    /// <summary>Gemm before 7: <c>broadcast</c> gated broadcasting of C, which is always on (unidirectionally) since.</summary>
    public static bool GemmBroadcast(NodeDef node, RewriteContext ctx) => node.RemoveAttribute("broadcast");

    /// <summary>Scatter-9/11 has exactly ScatterElements' semantics (no reduction): rename the operator.</summary>
    public static bool ScatterToScatterElements(NodeDef node, RewriteContext ctx)
    {
        node.Op = OpType.ScatterElements;
        return true;
    }
}
