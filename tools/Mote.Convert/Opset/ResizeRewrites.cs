using Mote.Format;
using static Mote.Convert.Opset.NodeEdit;

namespace Mote.Convert.Opset;

/// <summary>
/// Upsample (all versions) and Resize-10 become Resize in its newest form. Their semantics are
/// <c>x_in = x_out / scale</c> ("asymmetric") and, for nearest, <c>floor</c>; Resize-11+ defaults to
/// half_pixel and round_prefer_floor, so both are written out explicitly.
/// </summary>
internal static class ResizeRewrites
{
    /// <summary>Upsample-7 (scales attribute) and Upsample-9/10 (scales input) → Resize(X, "", scales).</summary>
    public static bool Upsample(NodeDef node, RewriteContext ctx)
    {
        if (node.Attribute("height_scale") is not null || node.Attribute("width_scale") is not null)
            throw ctx.Error(node, "Upsample-1 (height_scale/width_scale) is not supported");
        var scalesAttr = TakeFloats(node, "scales");
        string scales = scalesAttr is not null
            ? ctx.Constant(node, "scales", DataType.Float32, [scalesAttr.Length], scalesAttr.Select(f => (double)f).ToArray())
            : node.Input(1);
        if (scales.Length == 0)
            throw ctx.Error(node, "Upsample has no scales");
        string x = node.Input(0);
        node.Op = OpType.Resize;
        node.Inputs.Clear();
        node.Inputs.AddRange([x, "", scales]);
        SetOldSemantics(node, ctx);
        return true;
    }

    /// <summary>Resize-10 (X, scales) → Resize(X, "", scales) with the old coordinate mapping spelled out.</summary>
    public static bool Resize10(NodeDef node, RewriteContext ctx)
    {
        string x = node.Input(0), scales = node.Input(1);
        node.Inputs.Clear();
        node.Inputs.AddRange([x, "", scales]);
        SetOldSemantics(node, ctx);
        return true;
    }

    private static void SetOldSemantics(NodeDef node, RewriteContext ctx)
    {
        string mode = GetString(node, "mode", "nearest");
        mode = mode switch
        {
            "nearest" => "nearest",
            "linear" or "bilinear" or "trilinear" => "linear",
            _ => throw ctx.Error(node, $"unknown interpolation mode '{mode}'"),
        };
        node.SetAttribute(AttributeDef.FromString("mode", mode));
        node.SetAttribute(AttributeDef.FromString("coordinate_transformation_mode", "asymmetric"));
        if (mode == "nearest")
            node.SetAttribute(AttributeDef.FromString("nearest_mode", "floor"));
    }
}
