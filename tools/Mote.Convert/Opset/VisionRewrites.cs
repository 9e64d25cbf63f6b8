using Mote.Format;

namespace Mote.Convert.Opset;

/// <summary>Older forms of the vision operators.</summary>
internal static class VisionRewrites
{
    /// <summary>
    /// RoiAlign-10 mapped region corners without the half-pixel shift; RoiAlign-16 added
    /// <c>coordinate_transformation_mode</c> with the default half_pixel, so the old mapping is spelled out.
    /// </summary>
    public static bool RoiAlign10(NodeDef node, RewriteContext ctx)
    {
        if (node.Attribute("coordinate_transformation_mode") is not null)
            return false;
        node.SetAttribute(AttributeDef.FromString("coordinate_transformation_mode", "output_half_pixel"));
        return true;
    }
}
