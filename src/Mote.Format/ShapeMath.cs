namespace Mote.Format;

/// <summary>Overflow-safe size arithmetic shared by the writer's validation and the reader.</summary>
internal static class ShapeMath
{
    /// <summary>
    /// Element count of a fully fixed shape. Fails when the product of the non-zero dimensions overflows
    /// i64, even if another dimension is 0, so that any later product over the shape in any order is safe.
    /// </summary>
    public static bool TryElementCount(IReadOnlyList<Dim> shape, out long count)
    {
        long product = 1;
        bool hasZero = false;
        foreach (var d in shape)
        {
            if (!d.IsFixed)
            {
                count = -1;
                return false;
            }
            if (d.Value == 0)
                hasZero = true;
            else if (product > long.MaxValue / d.Value)
            {
                count = -1;
                return false;
            }
            else
                product *= d.Value;
        }
        count = hasZero ? 0 : product;
        return true;
    }

    /// <summary>True when every dimension of a known shape is fixed and its product fits (see <see cref="TryElementCount"/>).</summary>
    public static bool IsFullyFixed(IReadOnlyList<Dim>? shape)
    {
        if (shape is null)
            return false;
        foreach (var d in shape)
            if (!d.IsFixed)
                return false;
        return true;
    }

    /// <summary>Byte size of <paramref name="count"/> elements of <paramref name="elementSize"/> bytes, or false on overflow.</summary>
    public static bool TryByteSize(long count, int elementSize, out long bytes)
    {
        if (count > long.MaxValue / elementSize)
        {
            bytes = -1;
            return false;
        }
        bytes = count * elementSize;
        return true;
    }

    /// <summary>Rounds <paramref name="value"/> up to a multiple of the power of two <paramref name="alignment"/>.</summary>
    public static long AlignUp(long value, int alignment) => (value + alignment - 1) & ~(long)(alignment - 1);
}
