namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// Iteration layout for a broadcasting elementwise operation over up to three operands: the output
/// shape with adjacent dimensions merged where every operand allows it, and each operand's element
/// stride per merged dimension (0 where it is broadcast). The innermost merged dimension is a
/// contiguous run for every operand whose stride there is 1.
/// </summary>
internal sealed class BroadcastLayout
{
    private BroadcastLayout(int[] dims, long[][] strides)
    {
        Dims = dims;
        Strides = strides;
    }

    /// <summary>Merged output dimensions (at least one).</summary>
    public int[] Dims { get; }

    /// <summary>Per operand, per merged dimension, the element stride (0 = broadcast).</summary>
    public long[][] Strides { get; }

    /// <summary>Length of the innermost merged dimension.</summary>
    public int Inner => Dims[^1];

    /// <summary>Number of innermost runs (product of the outer merged dimensions).</summary>
    public long Outer => ShapeMath.Product(Dims, 0, Dims.Length - 1);

    public static BroadcastLayout Create(int[] outShape, params int[][] operands)
    {
        int rank = Math.Max(1, outShape.Length);
        var dims = outShape.Length == 0 ? new[] { 1 } : (int[])outShape.Clone();
        var strides = new long[operands.Length][];
        for (int k = 0; k < operands.Length; k++)
        {
            var s = operands[k];
            var st = new long[rank];
            long acc = 1;
            for (int i = rank - 1; i >= 0; i--)
            {
                int j = i - (rank - s.Length);
                int d = j >= 0 ? s[j] : 1;
                st[i] = d == 1 ? 0 : acc;
                acc *= d;
            }
            strides[k] = st;
        }
        return Merge(dims, strides);
    }

    /// <summary>Merges dimension i into i+1 when, for every operand, stepping over i equals stepping dims[i+1] times over i+1; drops size-1 dims.</summary>
    private static BroadcastLayout Merge(int[] dims, long[][] strides)
    {
        var md = new List<int>();
        var ms = strides.Select(_ => new List<long>()).ToArray();
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == 1 && dims.Length > 1)
                continue;
            if (md.Count > 0)
            {
                int last = md.Count - 1;
                bool mergeable = true;
                for (int k = 0; k < strides.Length; k++)
                    mergeable &= ms[k][last] == strides[k][i] * dims[i];
                if (mergeable)
                {
                    md[last] *= dims[i];
                    for (int k = 0; k < strides.Length; k++)
                        ms[k][last] = strides[k][i];
                    continue;
                }
            }
            md.Add(dims[i]);
            for (int k = 0; k < strides.Length; k++)
                ms[k].Add(strides[k][i]);
        }
        if (md.Count == 0)
        {
            md.Add(1);
            foreach (var l in ms)
                l.Add(0);
        }
        return new BroadcastLayout([.. md], ms.Select(l => l.ToArray()).ToArray());
    }

    /// <summary>
    /// Walks the outer merged dimensions; for run <c>r</c> writes each operand's element offset of
    /// the run start into <paramref name="offsets"/>. Call with r = 0, 1, ... Outer-1 in order.
    /// </summary>
    public void RunOffsets(long run, Span<long> offsets)
    {
        offsets.Clear();
        long rem = run;
        for (int d = Dims.Length - 2; d >= 0; d--)
        {
            long idx = rem % Dims[d];
            rem /= Dims[d];
            for (int k = 0; k < Strides.Length; k++)
                offsets[k] += idx * Strides[k][d];
        }
    }
}
