using Mote.Format;

namespace Mote.Runtime.Operators.Transformer;

/// <summary>
/// A two-operand f32 Einsum that is a batched matrix product: every label is a batch label (both operands
/// and the output), an M label (A and the output), an N label (B and the output) or a K label (A and B,
/// summed). Each operand is used in place when its memory already is [batch, M, K] or [batch, K, M]
/// (resp. [batch, K, N] or [batch, N, K]) for the label orders chosen here, otherwise gathered into that
/// order in scratch; the product goes straight to the output when the output order is [batch, M, N].
/// Forms with a diagonal, a label summed out of one operand alone, or broadcast ellipsis dimensions are
/// not matrix products and return null.
/// </summary>
internal sealed class EinsumGemm
{
    private EinsumGemm(EinsumPlan plan, int[] batch, int[] m, int[] n, int[] k)
    {
        Batch = batch;
        M = m;
        N = n;
        K = k;
        BatchCount = Product(plan, batch);
        Rows = Product(plan, m);
        Columns = Product(plan, n);
        Depth = Product(plan, k);
        var a = Canonical(plan, 0, batch, m, k);
        var b = Canonical(plan, 1, batch, k, n);
        (ADirect, TransA) = a;
        (BDirect, TransB) = b;
        int[] canonicalOut = [.. batch, .. m, .. n];
        OutputDirect = canonicalOut.SequenceEqual(Enumerable.Range(0, plan.OutputRank));
    }

    /// <summary>Label groups, each in the order the operands are laid out in for the product.</summary>
    public int[] Batch { get; }

    public int[] M { get; }

    public int[] N { get; }

    public int[] K { get; }

    public long BatchCount { get; }

    public long Rows { get; }

    public long Columns { get; }

    public long Depth { get; }

    /// <summary>A is read in place (as [batch, M, K], or [batch, K, M] when <see cref="TransA"/>).</summary>
    public bool ADirect { get; }

    public bool TransA { get; }

    /// <summary>B is read in place (as [batch, K, N], or [batch, N, K] when <see cref="TransB"/>).</summary>
    public bool BDirect { get; }

    public bool TransB { get; }

    /// <summary>The output is [batch, M, N] already: the product is stored in it directly.</summary>
    public bool OutputDirect { get; }

    /// <summary>Floats of scratch for gathered operands and an out-of-order product.</summary>
    public long ScratchFloats => (ADirect ? 0 : BatchCount * Rows * Depth) + (BDirect ? 0 : BatchCount * Depth * Columns) + (OutputDirect ? 0 : BatchCount * Rows * Columns);

    /// <summary>The matrix-product form of <paramref name="plan"/>, or null when it is not one.</summary>
    public static EinsumGemm? TryCreate(EinsumPlan plan, DataType type, IReadOnlyList<int[]> shapes)
    {
        if (type != DataType.Float32 || shapes.Count != 2)
            return null;
        for (int i = 0; i < 2; i++)
        {
            var labels = plan.Labels[i];
            if (labels.Distinct().Count() != labels.Length)
                return null; // diagonal
            for (int d = 0; d < labels.Length; d++)
                if (shapes[i][d] != plan.Sizes[labels[d]])
                    return null; // broadcast ellipsis dimension
        }
        var inA = plan.Labels[0].ToHashSet();
        var inB = plan.Labels[1].ToHashSet();
        int outRank = plan.OutputRank;
        var batch = new List<int>();
        var m = new List<int>();
        var n = new List<int>();
        for (int l = 0; l < outRank; l++)
        {
            if (inA.Contains(l) && inB.Contains(l))
                batch.Add(l);
            else if (inA.Contains(l))
                m.Add(l);
            else
                n.Add(l);
        }
        var k = plan.Labels[0].Where(l => l >= outRank).ToList();
        if (k.Any(l => !inB.Contains(l)) || plan.Labels[1].Any(l => l >= outRank && !inA.Contains(l)))
            return null; // a label summed out of one operand alone
        return new EinsumGemm(plan, [.. batch], [.. m], [.. n], [.. k]);
    }

    private static long Product(EinsumPlan plan, int[] labels) => labels.Aggregate(1L, (p, l) => p * plan.Sizes[l]);

    /// <summary>Whether operand <paramref name="i"/> is contiguous as [batch, rows, cols] (or [batch, cols, rows]).</summary>
    private static (bool Direct, bool Transposed) Canonical(EinsumPlan plan, int i, int[] batch, int[] rows, int[] cols)
    {
        var s = plan.Strides[i];
        if (Contiguous(plan, s, [.. batch, .. rows, .. cols]))
            return (true, false);
        if (Contiguous(plan, s, [.. batch, .. cols, .. rows]))
            return (true, true);
        return (false, false);
    }

    /// <summary>True when the labels, in this order, walk the operand's memory row-major and densely.</summary>
    private static bool Contiguous(EinsumPlan plan, long[] strides, int[] order)
    {
        long expect = 1;
        for (int d = order.Length - 1; d >= 0; d--)
        {
            int l = order[d];
            if (plan.Sizes[l] != 1 && strides[l] != expect)
                return false;
            expect *= plan.Sizes[l];
        }
        return true;
    }
}
