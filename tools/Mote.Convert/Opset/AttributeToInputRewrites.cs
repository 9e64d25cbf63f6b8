using Mote.Format;
using static Mote.Convert.Opset.NodeEdit;

namespace Mote.Convert.Opset;

/// <summary>Rewrites of operators whose attributes became inputs in later opsets (values become new int64 or typed constants).</summary>
internal static class AttributeToInputRewrites
{
    /// <summary>Slice-1: starts/ends/axes attributes → inputs 1..3 (steps default to 1 in both forms).</summary>
    public static bool Slice(NodeDef node, RewriteContext ctx)
    {
        var starts = TakeInts(node, "starts") ?? throw ctx.Error(node, "Slice needs a 'starts' attribute");
        var ends = TakeInts(node, "ends") ?? throw ctx.Error(node, "Slice needs an 'ends' attribute");
        var axes = TakeInts(node, "axes");
        SetInput(node, 1, ctx.Int64s(node, "starts", starts));
        SetInput(node, 2, ctx.Int64s(node, "ends", ends));
        if (axes is not null)
            SetInput(node, 3, ctx.Int64s(node, "axes", axes));
        return true;
    }

    /// <summary>Split-2/11: the <c>split</c> attribute → input 1.</summary>
    public static bool SplitAttribute(NodeDef node, RewriteContext ctx)
    {
        var split = TakeInts(node, "split");
        if (split is null)
            return false;
        SetInput(node, 1, ctx.Int64s(node, "split", split));
        return true;
    }

    /// <summary>Split before 18 splits equally when no sizes are given; Split-18 needs that said as <c>num_outputs</c>.</summary>
    public static bool SplitNumOutputs(NodeDef node, RewriteContext ctx)
    {
        if (node.Input(1).Length > 0 || node.Attribute("num_outputs") is not null)
            return false;
        node.SetAttribute(AttributeDef.FromInt("num_outputs", node.Outputs.Count));
        return true;
    }

    /// <summary>Squeeze/Unsqueeze/Reduce*: the <c>axes</c> attribute → input 1 (absent stays absent: same default).</summary>
    public static bool Axes(NodeDef node, RewriteContext ctx)
    {
        var axes = TakeInts(node, "axes");
        if (axes is null)
            return false;
        SetInput(node, 1, ctx.Int64s(node, "axes", axes));
        return true;
    }

    /// <summary>TopK-1: the <c>k</c> attribute → a one-element int64 input.</summary>
    public static bool TopK(NodeDef node, RewriteContext ctx)
    {
        var k = TakeInt(node, "k") ?? throw ctx.Error(node, "TopK needs a 'k' attribute");
        SetInput(node, 1, ctx.Int64s(node, "k", [k]));
        return true;
    }

    /// <summary>Reshape-1: the <c>shape</c> attribute → input 1.</summary>
    public static bool Reshape(NodeDef node, RewriteContext ctx)
    {
        var shape = TakeInts(node, "shape");
        if (shape is null)
            return false;
        SetInput(node, 1, ctx.Int64s(node, "shape", shape));
        return true;
    }

    /// <summary>Dropout before 12: <c>ratio</c> attribute → input 1; <c>is_test</c> (before 7) is dropped, inference is all Mote does.</summary>
    public static bool Dropout(NodeDef node, RewriteContext ctx)
    {
        bool changed = TakeInt(node, "is_test") is not null;
        var ratio = TakeFloat(node, "ratio");
        if (ratio is null)
            return changed;
        var type = ctx.TypeOf(node.Input(0)) is { } t && t.IsFloat() ? t : DataType.Float32;
        SetInput(node, 1, ctx.Constant(node, "ratio", type, [], [ratio.Value]));
        return true;
    }

    /// <summary>Clip before 11: <c>min</c>/<c>max</c> attributes → inputs 1, 2 of the input's type. Absent bounds were ±FLT_MAX, so they are written out to keep ±inf clamping identical.</summary>
    public static bool Clip(NodeDef node, RewriteContext ctx)
    {
        var min = TakeFloat(node, "min") ?? float.MinValue;
        var max = TakeFloat(node, "max") ?? float.MaxValue;
        var type = ctx.TypeLike(node, node.Input(0), "Clip bounds");
        SetInput(node, 1, ctx.Constant(node, "min", type, [], [min]));
        SetInput(node, 2, ctx.Constant(node, "max", type, [], [max]));
        return true;
    }

    /// <summary>Pad before 11: <c>pads</c> (Pad-2; <c>paddings</c> in Pad-1) → input 1, <c>value</c> → input 2 of the data's type.</summary>
    public static bool Pad(NodeDef node, RewriteContext ctx)
    {
        var pads = TakeInts(node, "pads") ?? TakeInts(node, "paddings") ?? throw ctx.Error(node, "Pad needs a 'pads' attribute");
        var value = TakeFloat(node, "value");
        SetInput(node, 1, ctx.Int64s(node, "pads", pads));
        if (value is { } v && v != 0)
            SetInput(node, 2, ctx.Constant(node, "value", ctx.TypeLike(node, node.Input(0), "the Pad value"), [], [v]));
        return true;
    }
}
