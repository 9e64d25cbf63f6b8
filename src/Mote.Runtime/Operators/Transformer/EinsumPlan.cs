namespace Mote.Runtime.Operators.Transformer;

/// <summary>
/// An <see cref="EinsumEquation"/> applied to concrete operand shapes. Labels are numbered with the output's
/// first (in output order), then the summed ones. Each operand gets one element stride per label: the sum
/// of the strides of its dimensions carrying that label (a repeated letter walks the diagonal), 0 where the
/// label is absent or an ellipsis dimension of size 1 broadcasts.
/// </summary>
internal sealed class EinsumPlan
{
    private EinsumPlan(int[] sizes, int outputRank, long[][] strides, int[][] labels)
    {
        Sizes = sizes;
        OutputRank = outputRank;
        Strides = strides;
        Labels = labels;
    }

    /// <summary>Extent of every label.</summary>
    public int[] Sizes { get; }

    /// <summary>Labels 0 .. OutputRank−1 are the output dimensions, in order.</summary>
    public int OutputRank { get; }

    /// <summary>[operand][label] element strides.</summary>
    public long[][] Strides { get; }

    /// <summary>[operand][dimension] label of each operand dimension.</summary>
    public int[][] Labels { get; }

    public int[] OutputShape => Sizes[..OutputRank];

    /// <summary>Resolves <paramref name="eq"/> for operand shapes <paramref name="shapes"/>.</summary>
    public static EinsumPlan Create(EinsumEquation eq, IReadOnlyList<int[]> shapes)
    {
        if (shapes.Count != eq.Inputs.Length)
            throw new MoteShapeException($"Einsum equation has {eq.Inputs.Length} operands, the node {shapes.Count}");
        // Keys: a letter's char code, or 1000 + j for the j-th broadcast ellipsis dimension (right-aligned).
        var keysOf = new int[shapes.Count][];
        int ellipsisRank = 0;
        for (int i = 0; i < shapes.Count; i++)
        {
            var t = eq.Inputs[i];
            int extra = shapes[i].Length - t.Letters.Length;
            if (extra < 0 || (!t.HasEllipsis && extra != 0))
                throw new MoteShapeException($"Einsum operand {i} has rank {shapes[i].Length}, its subscripts '{t.Letters}' {(t.HasEllipsis ? "with '...'" : "")} do not fit");
            ellipsisRank = Math.Max(ellipsisRank, extra);
        }
        var size = new Dictionary<int, int>();
        for (int i = 0; i < shapes.Count; i++)
        {
            var t = eq.Inputs[i];
            int extra = shapes[i].Length - t.Letters.Length;
            var keys = new int[shapes[i].Length];
            for (int d = 0; d < keys.Length; d++)
            {
                bool inEllipsis = t.HasEllipsis && d >= t.EllipsisAt && d < t.EllipsisAt + extra;
                keys[d] = inEllipsis ? 1000 + (ellipsisRank - extra) + (d - t.EllipsisAt) : t.Letters[d < t.EllipsisAt || !t.HasEllipsis ? d : d - extra];
                int n = shapes[i][d];
                if (!size.TryGetValue(keys[d], out int known) || known == 1 && inEllipsis)
                    size[keys[d]] = n;
                else if (known != n && !(inEllipsis && n == 1))
                    throw new MoteShapeException($"Einsum subscript {Name(keys[d])} has sizes {known} and {n}");
            }
            keysOf[i] = keys;
        }
        var outKeys = new List<int>();
        var o = eq.Output;
        for (int d = 0; d < o.Letters.Length + (o.HasEllipsis ? 1 : 0); d++)
        {
            if (o.HasEllipsis && d == o.EllipsisAt)
                for (int j = 0; j < ellipsisRank; j++)
                    outKeys.Add(1000 + j);
            if (d < o.Letters.Length)
                outKeys.Add(o.Letters[d]);
        }
        var order = outKeys.Concat(size.Keys.Where(k => !outKeys.Contains(k)).Order()).ToList();
        var sizes = order.Select(k => size[k]).ToArray();
        var strides = new long[shapes.Count][];
        var labels = new int[shapes.Count][];
        for (int i = 0; i < shapes.Count; i++)
        {
            strides[i] = new long[order.Count];
            labels[i] = new int[shapes[i].Length];
            long stride = 1;
            for (int d = shapes[i].Length - 1; d >= 0; d--)
            {
                int label = order.IndexOf(keysOf[i][d]);
                labels[i][d] = label;
                if (shapes[i][d] != 1 || sizes[label] == 1)
                    strides[i][label] += stride;
                stride *= shapes[i][d];
            }
        }
        return new EinsumPlan(sizes, outKeys.Count, strides, labels);
    }

    private static string Name(int key) => key >= 1000 ? $"'...'[{key - 1000}]" : $"'{(char)key}'";
}
