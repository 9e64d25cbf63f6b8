namespace Mote.Runtime.Tests;

/// <summary>
/// ONNX Attention written from the operator's definition with whole 4-D arrays in double, the way the
/// spec states it: 3-D inputs reshaped to [B, H, S, d]; present = concat(past, new); a bias matrix built
/// from the mask (bool → 0/−∞, padded with −∞ past its last column), the causal triangle and the key
/// padding; key/value heads repeated for grouped queries; then scores, soft cap, bias, softmax, weighted sum.
/// </summary>
internal sealed class AttentionSpec
{
    public int QHeads, KvHeads;
    public bool Causal;
    public float? Scale;
    public float Softcap;
    public int Mode;

    /// <summary>Y (in the query's layout), present key, present value, and the qk output at <see cref="Mode"/>.</summary>
    public (double[] Y, double[] PresentKey, double[] PresentValue, double[] Qk) Run(float[] q, int[] qs, float[] k, int[] ks, float[] v, int[] vs,
        Array? mask, int[]? ms, float[]? pastK, float[]? pastV, int[]? pastShape, long[]? nonpad)
    {
        bool threeD = qs.Length == 3;
        var Q = To4D(q, qs, QHeads);
        var K = To4D(k, ks, KvHeads);
        var V = To4D(v, vs, KvHeads);
        int b = Q.GetLength(0), hq = Q.GetLength(1), sq = Q.GetLength(2), d = Q.GetLength(3);
        int hkv = K.GetLength(1), dv = V.GetLength(3);
        int past = pastShape?[2] ?? 0, t = past + K.GetLength(2);
        var PK = new double[b, hkv, t, d];
        var PV = new double[b, hkv, t, dv];
        for (int i = 0; i < b; i++)
            for (int h = 0; h < hkv; h++)
                for (int s = 0; s < t; s++)
                {
                    for (int c = 0; c < d; c++)
                        PK[i, h, s, c] = s < past ? pastK![((i * hkv + h) * past + s) * d + c] : K[i, h, s - past, c];
                    for (int c = 0; c < dv; c++)
                        PV[i, h, s, c] = s < past ? pastV![((i * hkv + h) * past + s) * dv + c] : V[i, h, s - past, c];
                }
        double scale = Scale ?? 1 / Math.Sqrt(d);
        var y = new double[b, hq, sq, dv];
        var qk = new double[b * hq * sq * t];
        for (int i = 0; i < b; i++)
            for (int h = 0; h < hq; h++)
            {
                int kh = h / (hq / hkv);
                for (int r = 0; r < sq; r++)
                {
                    var s = new double[t];
                    for (int j = 0; j < t; j++)
                    {
                        for (int c = 0; c < d; c++)
                            s[j] += Q[i, h, r, c] * PK[i, kh, j, c];
                        s[j] *= scale;
                    }
                    var raw = (double[])s.Clone();
                    if (Softcap > 0)
                        for (int j = 0; j < t; j++)
                            s[j] = Softcap * Math.Tanh(s[j] / Softcap);
                    var capped = (double[])s.Clone();
                    for (int j = 0; j < t; j++)
                        s[j] += Bias(mask, ms, i, h, r, j, b, hq, sq, t, past, nonpad);
                    var biased = (double[])s.Clone();
                    double max = s.Max(), sum = s.Sum(x => Math.Exp(x - max));
                    for (int j = 0; j < t; j++)
                        s[j] = Math.Exp(s[j] - max) / sum;
                    var keep = Mode switch { 0 => raw, 1 => capped, 2 => biased, _ => s };
                    Array.Copy(keep, 0, qk, ((i * hq + h) * sq + r) * t, t);
                    for (int c = 0; c < dv; c++)
                        for (int j = 0; j < t; j++)
                            y[i, h, r, c] += s[j] * PV[i, kh, j, c];
                }
            }
        var flatY = new double[y.Length];
        int at = 0;
        // 3-D output: [B, S, H·dv], i.e. the heads transposed back next to each other.
        for (int i = 0; i < b; i++)
            if (threeD)
                for (int r = 0; r < sq; r++)
                    for (int h = 0; h < hq; h++)
                        for (int c = 0; c < dv; c++)
                            flatY[at++] = y[i, h, r, c];
            else
                for (int h = 0; h < hq; h++)
                    for (int r = 0; r < sq; r++)
                        for (int c = 0; c < dv; c++)
                            flatY[at++] = y[i, h, r, c];
        return (flatY, Flat(PK), Flat(PV), qk);
    }

    private double Bias(Array? mask, int[]? ms, int i, int h, int r, int j, int b, int hq, int sq, int t, int past, long[]? nonpad)
    {
        double bias = 0;
        if (mask is not null)
        {
            if (j >= ms![^1])
                bias = double.NegativeInfinity;
            else
            {
                // Right-aligned broadcast of the mask against [B, Hq, S_q, T].
                int[] full = [i, h, r, j];
                int flat = 0;
                for (int dim = 0; dim < ms.Length; dim++)
                {
                    int idx = full[4 - ms.Length + dim];
                    flat = flat * ms[dim] + (ms[dim] == 1 ? 0 : idx);
                }
                bias = mask is bool[] bm ? (bm[flat] ? 0 : double.NegativeInfinity) : ((float[])mask)[flat];
            }
        }
        if (Causal)
        {
            long offset = nonpad is not null && past == 0 ? nonpad[i] - sq : past;
            if (j > r + offset)
                bias = double.NegativeInfinity;
        }
        if (nonpad is not null && j >= nonpad[i])
            bias = double.NegativeInfinity;
        return bias;
    }

    private static double[,,,] To4D(float[] x, int[] shape, int heads)
    {
        if (shape.Length == 4)
        {
            var r = new double[shape[0], shape[1], shape[2], shape[3]];
            int at = 0;
            for (int a = 0; a < shape[0]; a++)
                for (int h = 0; h < shape[1]; h++)
                    for (int s = 0; s < shape[2]; s++)
                        for (int c = 0; c < shape[3]; c++)
                            r[a, h, s, c] = x[at++];
            return r;
        }
        int size = shape[2] / heads;
        var y = new double[shape[0], heads, shape[1], size];
        for (int a = 0; a < shape[0]; a++)
            for (int s = 0; s < shape[1]; s++)
                for (int h = 0; h < heads; h++)
                    for (int c = 0; c < size; c++)
                        y[a, h, s, c] = x[(a * shape[1] + s) * shape[2] + h * size + c];
        return y;
    }

    private static double[] Flat(double[,,,] x)
    {
        var r = new double[x.Length];
        int at = 0;
        foreach (var v in x)
            r[at++] = v;
        return r;
    }
}
