using System.Numerics.Tensors;
using Mote.Kernels.Elementwise;

namespace Mote.Kernels.Attention;

/// <summary>
/// What happens to one row of attention scores between the two products: soft cap, masks, softmax,
/// with a copy to the optional score output at the requested stage. The row is contiguous and is
/// rewritten in place into probabilities.
/// </summary>
internal static unsafe class AttentionRows
{
    /// <summary>Turns row <paramref name="q"/> of (batch <paramref name="b"/>, query head <paramref name="h"/>) into probabilities.</summary>
    public static void Process(in AttentionArgs a, int b, int h, int q, Span<float> row, SimdWidth width)
    {
        int t = row.Length;
        Snapshot(in a, AttentionScoreStage.Product, b, h, q, row);
        if (a.Softcap > 0)
            UnaryF32.Apply(new ScaledTanhFn(a.Softcap, 1 / a.Softcap), row, row, width);
        Snapshot(in a, AttentionScoreStage.Softcapped, b, h, q, row);

        if (a.MaskKind != AttentionMaskKind.None)
        {
            long at = b * a.MaskBatchStride + h * a.MaskHeadStride + q * a.MaskRowStride;
            int cols = Math.Min(a.MaskColumns, t);
            if (a.MaskKind == AttentionMaskKind.Additive)
            {
                var m = new ReadOnlySpan<float>((float*)a.Mask + at, cols);
                TensorPrimitives.Add(row[..cols], m, row[..cols]);
            }
            else
            {
                byte* m = (byte*)a.Mask + at;
                for (int j = 0; j < cols; j++)
                    if (m[j] == 0)
                        row[j] = float.NegativeInfinity;
            }
            row[cols..].Fill(float.NegativeInfinity);
        }
        if (a.Causal)
        {
            long offset = a.CausalOffsetFromValidLengths && a.KvValidLengths != null ? a.KvValidLengths[b] - a.QueryLength : a.CausalOffset;
            long keep = q + offset + 1;
            if (keep < t)
                row[(int)Math.Max(0, keep)..].Fill(float.NegativeInfinity);
        }
        if (a.KvValidLengths != null)
        {
            long valid = a.KvValidLengths[b];
            if (valid < t)
                row[(int)Math.Max(0, valid)..].Fill(float.NegativeInfinity);
        }
        Snapshot(in a, AttentionScoreStage.Masked, b, h, q, row);

        if (t > 0)
        {
            // Shifted by the row maximum, so that exp never overflows; masked keys give exp(−∞) = 0.
            float max = MaxF32.Max(row, width);
            float sum = SoftmaxF32.ExpShiftSum(row, -max, row, width);
            UnaryF32.Apply(new ScaleFn(1 / sum), row, row, width);
        }
        Snapshot(in a, AttentionScoreStage.Softmax, b, h, q, row);
    }

    private static void Snapshot(in AttentionArgs a, AttentionScoreStage stage, int b, int h, int q, ReadOnlySpan<float> row)
    {
        if (a.Scores.Data != null && a.ScoreStage == stage)
            row.CopyTo(new Span<float>(a.Scores.Row(b, h, q), row.Length));
    }
}
