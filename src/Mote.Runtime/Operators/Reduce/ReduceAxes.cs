namespace Mote.Runtime.Operators.Reduce;

/// <summary>
/// Which axes a reduction covers and the shapes that follow: normalizes (negative, duplicate,
/// out-of-range) axes, and merges the input into alternating kept/reduced groups of adjacent
/// dimensions so that any axis set becomes a few [outer, reduced, inner] passes.
/// </summary>
internal static class ReduceAxes
{
    /// <summary>
    /// Marks the reduced axes of a rank-<paramref name="rank"/> input in <paramref name="reduced"/>.
    /// Empty <paramref name="axes"/> means every axis, unless <paramref name="noopWhenEmpty"/>, in which case
    /// none (the reduction then maps each element on its own). Returns false for that no-op case.
    /// </summary>
    public static bool Mark(ReadOnlySpan<long> axes, int rank, bool noopWhenEmpty, Span<bool> reduced, Mote.Format.OpType op)
    {
        reduced.Clear();
        if (axes.Length == 0)
        {
            if (noopWhenEmpty)
                return false;
            reduced.Fill(true);
            return true;
        }
        foreach (long a in axes)
        {
            // The message is built only on failure: this also runs inside Execute, which must not allocate.
            long k = a < 0 ? a + rank : a;
            if (k < 0 || k >= rank)
                throw new MoteShapeException($"{op}: axis {a} is out of range for rank {rank}");
            if (reduced[(int)k])
                throw new MoteShapeException($"{op}: axis {a} is listed twice");
            reduced[(int)k] = true;
        }
        return true;
    }

    /// <summary>A possibly negative axis already validated against <paramref name="rank"/> (at shape inference).</summary>
    public static int Normalize(long axis, int rank) => (int)(axis < 0 ? axis + rank : axis);

    /// <summary>The output shape: reduced axes become 1 (<paramref name="keepDims"/>) or disappear.</summary>
    public static int[] OutputShape(ReadOnlySpan<int> input, ReadOnlySpan<bool> reduced, bool keepDims)
    {
        var r = new List<int>(input.Length);
        for (int i = 0; i < input.Length; i++)
            if (!reduced[i])
                r.Add(input[i]);
            else if (keepDims)
                r.Add(1);
        return [.. r];
    }

    /// <summary>
    /// Merges adjacent dimensions with the same role (size-1 dimensions join either), writing group
    /// sizes outermost first into <paramref name="sizes"/> and their roles into <paramref name="isReduced"/>;
    /// returns the group count (0 for a rank-0 input).
    /// </summary>
    public static int Groups(ReadOnlySpan<int> input, ReadOnlySpan<bool> reduced, Span<long> sizes, Span<bool> isReduced)
    {
        int m = 0;
        for (int i = 0; i < input.Length; i++)
        {
            if (input[i] == 1)
                continue;
            if (m > 0 && isReduced[m - 1] == reduced[i])
            {
                sizes[m - 1] *= input[i];
                continue;
            }
            sizes[m] = input[i];
            isReduced[m] = reduced[i];
            m++;
        }
        return m;
    }
}
