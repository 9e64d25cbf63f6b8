namespace Mote.Kernels.Quantized;

/// <summary>An 8-bit quantized element type: how the bytes of a quantized tensor are read.</summary>
public enum QuantType8
{
    /// <summary>Unsigned 8-bit integer, [0, 255].</summary>
    QU8 = 0,
    /// <summary>Signed 8-bit integer (two's complement), [−128, 127].</summary>
    QS8 = 1,
}

/// <summary>Ranges and element reads of <see cref="QuantType8"/>.</summary>
public static class QuantType8Extensions
{
    /// <summary>Smallest value of the type.</summary>
    public static int Min(this QuantType8 t) => t == QuantType8.QS8 ? sbyte.MinValue : byte.MinValue;

    /// <summary>Largest value of the type.</summary>
    public static int Max(this QuantType8 t) => t == QuantType8.QS8 ? sbyte.MaxValue : byte.MaxValue;

    /// <summary>The value stored in <paramref name="b"/>.</summary>
    public static int Read(this QuantType8 t, byte b) => t == QuantType8.QS8 ? (sbyte)b : b;

    /// <summary>Throws unless every zero point lies in the type's range.</summary>
    internal static void CheckZeroPoints(this QuantType8 t, ReadOnlySpan<int> zeroPoints, string name)
    {
        int lo = t.Min(), hi = t.Max();
        foreach (int z in zeroPoints)
            if (z < lo || z > hi)
                throw new ArgumentOutOfRangeException(name, $"Zero point {z} is outside the {t} range [{lo}, {hi}].");
    }
}
