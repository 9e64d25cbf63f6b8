namespace Mote.Runtime;

/// <summary>Small helpers over concrete shapes.</summary>
internal static class ShapeMath
{
    public static long Count(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
            n *= d;
        return n;
    }

    /// <summary>Row-major strides in elements.</summary>
    public static long[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /// <summary>Normalizes a possibly negative axis against <paramref name="rank"/>; throws with the operator name when out of range.</summary>
    public static int Axis(long axis, int rank, string what)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new MoteShapeException($"{what}: axis {axis} is out of range for rank {rank}");
        return (int)a;
    }

    /// <summary>Product of dims in [from, to).</summary>
    public static long Product(ReadOnlySpan<int> shape, int from, int to)
    {
        long n = 1;
        for (int i = from; i < to; i++)
            n *= shape[i];
        return n;
    }

    public static string Format(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
            parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + string.Join(",", parts) + "]";
    }

    /// <summary>Multidirectional (NumPy) broadcast of two shapes; throws a shape error naming <paramref name="what"/>.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string what)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da == db || db == 1)
                r[i] = da;
            else if (da == 1)
                r[i] = db;
            else
                throw new MoteShapeException($"{what}: shapes {Format(a)} and {Format(b)} cannot be broadcast together");
        }
        return r;
    }
}
