using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Quantization;

/// <summary>
/// Zero points and scales of the integer matrix products: one value (per tensor), or one per row of A / per
/// column of B. A per-row A parameter is <c>[M]</c> or <c>[..., M, 1]</c>; a per-column B parameter is <c>[N]</c>
/// or <c>[..., 1, N]</c>, whose leading dimensions broadcast against the operand's own batch dimensions.
/// <see cref="Expand{T}"/> spreads one over every matrix of its operand: value j of matrix batch b lands at
/// <c>b·length + j</c>.
/// </summary>
internal static class MatMulParams
{
    /// <summary>Rows (A) or columns (B) of one matrix of an operand of shape <paramref name="operand"/>.</summary>
    public static int Length(int[] operand, bool forA) => forA ? (operand.Length == 1 ? 1 : operand[^2]) : (operand.Length == 1 ? 1 : operand[^1]);

    /// <summary>Matrices in an operand (the product of its batch dimensions).</summary>
    public static long Batches(int[] operand) => operand.Length <= 2 ? 1 : ShapeMath.Product(operand, 0, operand.Length - 2);

    /// <summary>True for a per-tensor parameter (one element).</summary>
    public static bool IsPerTensor(int[] param) => ShapeMath.Count(param) == 1;

    /// <summary>Elements <see cref="Expand{T}"/> writes.</summary>
    public static long ExpandedCount(int[] param, int[] operand, bool forA) =>
        IsPerTensor(param) ? 1 : Batches(operand) * Length(operand, forA);

    /// <summary>Throws unless <paramref name="param"/> is a valid per-tensor, per-row (A) or per-column (B) shape for <paramref name="operand"/>.</summary>
    public static void Check(int[] param, int[] operand, bool forA, string name)
    {
        if (IsPerTensor(param))
            return;
        int length = Length(operand, forA);
        if (param.Length == 1)
        {
            if (param[0] != length)
                throw new MoteShapeException($"{name} {ShapeMath.Format(param)} must hold one value or {length} (one per {(forA ? "row of A" : "column of B")})");
            return;
        }
        int[] expected = forA ? [length, 1] : [1, length];
        if (!param.AsSpan(param.Length - 2).SequenceEqual(expected))
            throw new MoteShapeException($"{name} {ShapeMath.Format(param)} must end in [{expected[0]},{expected[1]}] (per {(forA ? "row" : "column")})");
        int pb = param.Length - 2, ob = Math.Max(0, operand.Length - 2);
        bool fits = pb <= ob;
        for (int i = 0; fits && i < pb; i++)
        {
            int p = param[pb - 1 - i], o = operand[ob - 1 - i];
            fits = p == 1 || p == o;
        }
        if (!fits)
            throw new MoteNotSupportedException($"{name} {ShapeMath.Format(param)} has batch dimensions that do not broadcast into its operand {ShapeMath.Format(operand)}");
    }

    /// <summary>Spreads <paramref name="param"/> (already checked) over the matrices of <paramref name="operand"/>.</summary>
    public static void Expand<T>(TensorValue param, int[] operand, bool forA, Func<TensorValue, long, T> read, Span<T> dst)
    {
        if (IsPerTensor(param.Shape))
        {
            dst[0] = read(param, 0);
            return;
        }
        int length = Length(operand, forA);
        long batches = Batches(operand);
        int pb = param.Rank == 1 ? 0 : param.Rank - 2, ob = Math.Max(0, operand.Length - 2);
        Span<int> index = stackalloc int[Math.Max(1, ob)];
        for (long b = 0; b < batches; b++)
        {
            // The parameter's matrix for operand matrix b: right-aligned batch indices, 0 where it broadcasts.
            long rest = b, offset = 0, stride = 1;
            for (int i = ob - 1; i >= 0; i--)
            {
                index[i] = (int)(rest % operand[i]);
                rest /= operand[i];
            }
            for (int i = pb - 1; i >= 0; i--)
            {
                int d = param.Shape[i];
                offset += (d == 1 ? 0 : index[ob - pb + i]) * stride;
                stride *= d;
            }
            for (int j = 0; j < length; j++)
                dst[(int)(b * length + j)] = read(param, offset * length + j);
        }
    }
}
