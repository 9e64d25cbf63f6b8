namespace Mote.Kernels.Attention;

/// <summary>
/// Scalar reference of <see cref="AttentionF32"/>: the same <see cref="AttentionArgs"/>, computed one score
/// at a time in double precision, in the order the ONNX definition states (product, soft cap, masks,
/// softmax, weighted sum). Tests compare the fused kernel against it; it is not meant to be fast.
/// </summary>
public static unsafe class AttentionReference
{
    /// <summary>Computes <paramref name="a"/>.Output (and the optional score copy).</summary>
    public static void Run(in AttentionArgs a)
    {
        int t = a.KvLength;
        var p = new double[t];
        for (int b = 0; b < a.Batch; b++)
            for (int h = 0; h < a.QueryHeads; h++)
            {
                int kvh = h / (a.QueryHeads / a.KvHeads);
                for (int i = 0; i < a.QueryLength; i++)
                {
                    float* q = a.Query.Row(b, h, i);
                    for (int j = 0; j < t; j++)
                    {
                        float* k = a.Key.Row(b, kvh, j);
                        double dot = 0;
                        for (int c = 0; c < a.HeadSize; c++)
                            dot += (double)q[c] * k[c];
                        p[j] = a.Scale * dot;
                    }
                    Snapshot(in a, AttentionScoreStage.Product, b, h, i, p);
                    if (a.Softcap > 0)
                        for (int j = 0; j < t; j++)
                            p[j] = a.Softcap * Math.Tanh(p[j] / a.Softcap);
                    Snapshot(in a, AttentionScoreStage.Softcapped, b, h, i, p);
                    for (int j = 0; j < t; j++)
                        p[j] += Bias(in a, b, h, i, j);
                    Snapshot(in a, AttentionScoreStage.Masked, b, h, i, p);
                    double max = double.NegativeInfinity, sum = 0;
                    for (int j = 0; j < t; j++)
                        max = Math.Max(max, p[j]);
                    for (int j = 0; j < t; j++)
                        sum += p[j] = Math.Exp(p[j] - max);
                    for (int j = 0; j < t; j++)
                        p[j] /= sum;
                    Snapshot(in a, AttentionScoreStage.Softmax, b, h, i, p);
                    float* y = a.Output.Row(b, h, i);
                    for (int c = 0; c < a.ValueHeadSize; c++)
                    {
                        double acc = 0;
                        for (int j = 0; j < t; j++)
                            acc += p[j] * a.Value.Row(b, kvh, j)[c];
                        y[c] = (float)acc;
                    }
                }
            }
    }

    /// <summary>What the masks add to score (b, h, i, j): 0 or −∞ (or the additive mask value).</summary>
    private static double Bias(in AttentionArgs a, int b, int h, int i, int j)
    {
        double bias = 0;
        if (a.MaskKind != AttentionMaskKind.None)
        {
            long at = b * a.MaskBatchStride + h * a.MaskHeadStride + i * a.MaskRowStride + j;
            if (j >= a.MaskColumns)
                bias = double.NegativeInfinity;
            else if (a.MaskKind == AttentionMaskKind.Additive)
                bias = ((float*)a.Mask)[at];
            else if (((byte*)a.Mask)[at] == 0)
                bias = double.NegativeInfinity;
        }
        long offset = a.CausalOffsetFromValidLengths && a.KvValidLengths != null ? a.KvValidLengths[b] - a.QueryLength : a.CausalOffset;
        if (a.Causal && j > i + offset)
            bias = double.NegativeInfinity;
        if (a.KvValidLengths != null && j >= a.KvValidLengths[b])
            bias = double.NegativeInfinity;
        return bias;
    }

    private static void Snapshot(in AttentionArgs a, AttentionScoreStage stage, int b, int h, int i, double[] row)
    {
        if (a.Scores.Data == null || a.ScoreStage != stage)
            return;
        float* s = a.Scores.Row(b, h, i);
        for (int j = 0; j < row.Length; j++)
            s[j] = (float)row[j];
    }
}
