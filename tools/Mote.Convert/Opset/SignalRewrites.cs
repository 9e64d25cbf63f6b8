using Mote.Format;
using static Mote.Convert.Opset.NodeEdit;

namespace Mote.Convert.Opset;

/// <summary>Older forms of the signal-processing operators.</summary>
internal static class SignalRewrites
{
    /// <summary>
    /// DFT-17: the <c>axis</c> attribute (default 1) → input 2. DFT-20 reads the axis from that input and
    /// defaults to −2, so the old default is written out even when the attribute is absent.
    /// </summary>
    public static bool DftAxis(NodeDef node, RewriteContext ctx)
    {
        long axis = TakeInt(node, "axis") ?? 1;
        SetInput(node, 2, ctx.Int64s(node, "axis", [axis]));
        return true;
    }
}
