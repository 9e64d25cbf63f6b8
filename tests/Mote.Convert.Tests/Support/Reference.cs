namespace Mote.Convert.Tests.Support;

/// <summary>Plain, obviously-correct reference computations for checking passes numerically.</summary>
internal static class Reference
{
    /// <summary>2-D convolution of one image x[C,H,W] with w[M, C/group, KH, KW], bias b[M] (or null).</summary>
    public static double[] Conv2D(double[] x, int c, int h, int wd, double[] w, int m, int kh, int kw, double[]? b,
        int stride, int pad, int group, out int oh, out int ow)
    {
        oh = (h + 2 * pad - kh) / stride + 1;
        ow = (wd + 2 * pad - kw) / stride + 1;
        int cg = c / group, mg = m / group;
        var y = new double[m * oh * ow];
        for (int o = 0; o < m; o++)
        {
            int g = o / mg;
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double s = b?[o] ?? 0;
                    for (int ci = 0; ci < cg; ci++)
                        for (int u = 0; u < kh; u++)
                            for (int v = 0; v < kw; v++)
                            {
                                int yy = i * stride - pad + u, xx = j * stride - pad + v;
                                if (yy < 0 || yy >= h || xx < 0 || xx >= wd)
                                    continue;
                                s += x[((g * cg + ci) * h + yy) * wd + xx] * w[((o * cg + ci) * kh + u) * kw + v];
                            }
                    y[(o * oh + i) * ow + j] = s;
                }
        }
        return y;
    }

    /// <summary>Inference BatchNormalization over channel-major data y[C, N].</summary>
    public static double[] BatchNorm(double[] y, int channels, double[] scale, double[] bias, double[] mean, double[] var, double eps)
    {
        int per = y.Length / channels;
        var z = new double[y.Length];
        for (int c = 0; c < channels; c++)
            for (int k = 0; k < per; k++)
                z[c * per + k] = (y[c * per + k] - mean[c]) / Math.Sqrt(var[c] + eps) * scale[c] + bias[c];
        return z;
    }

    public static float[] Random(int n, int seed, float lo = -1, float hi = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => lo + (float)rng.NextDouble() * (hi - lo)).ToArray();
    }
}
