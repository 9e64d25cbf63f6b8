using Mote.Format;

namespace Mote.Convert;

/// <summary>Shape arithmetic that tolerates hostile shapes (values from a file may be absurd).</summary>
internal static class ShapeMath
{
    /// <summary>The element count of a fully fixed shape, or null when unknown, symbolic, or overflowing.</summary>
    public static long? ElementCount(Dim[]? shape)
    {
        if (shape is null)
            return null;
        long n = 1;
        foreach (var d in shape)
        {
            if (!d.IsFixed)
                return null;
            if (d.Value != 0 && n > long.MaxValue / d.Value)
                return null;
            n *= d.Value;
        }
        return n;
    }
}
