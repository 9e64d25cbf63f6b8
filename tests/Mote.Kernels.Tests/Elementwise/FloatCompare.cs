namespace Mote.Kernels.Tests.Elementwise;

/// <summary>Float comparisons in units in the last place.</summary>
internal static class FloatCompare
{
    /// <summary>Distance in representable floats between a and b (0 when equal, also +0/−0); NaN vs non-NaN is int.MaxValue.</summary>
    public static long Ulps(float a, float b)
    {
        if (float.IsNaN(a) || float.IsNaN(b))
            return float.IsNaN(a) && float.IsNaN(b) ? 0 : int.MaxValue;
        if (a == b)
            return 0;
        return Math.Abs(Ordered(a) - Ordered(b));
    }

    /// <summary>Distance in representable doubles.</summary>
    public static long Ulps(double a, double b)
    {
        if (double.IsNaN(a) || double.IsNaN(b))
            return double.IsNaN(a) && double.IsNaN(b) ? 0 : long.MaxValue;
        if (a == b)
            return 0;
        long ia = BitConverter.DoubleToInt64Bits(a), ib = BitConverter.DoubleToInt64Bits(b);
        ia = ia < 0 ? long.MinValue - ia : ia;
        ib = ib < 0 ? long.MinValue - ib : ib;
        return Math.Abs(ia - ib);
    }

    /// <summary>True when a and b are within <paramref name="maxUlps"/> or <paramref name="absTol"/>; NaN matches NaN.</summary>
    public static bool Close(float a, float b, long maxUlps, float absTol = 0) =>
        Ulps(a, b) <= maxUlps || Math.Abs((double)a - b) <= absTol;

    private static long Ordered(float f)
    {
        int i = BitConverter.SingleToInt32Bits(f);
        return i < 0 ? (long)int.MinValue - i : i;
    }
}
