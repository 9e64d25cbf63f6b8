namespace Mote.Runtime.Tests;

/// <summary>
/// Resize written from the ONNX specification, one output element at a time: per axis the
/// source coordinate, the n nearest input positions (ties to the smaller), their coefficients,
/// edge padding, then nested 1-D interpolation over the axes. Slow and independent of the
/// runtime's tables and passes.
/// </summary>
internal sealed class ResizeReference
{
    public string Mode = "nearest";
    public string Coordinates = "half_pixel";
    public string Nearest = "round_prefer_floor";
    public double A = -0.75;
    public bool ExcludeOutside;
    public bool Antialias;
    public double Extrapolation;

    public double[] Run(double[] x, int[] inShape, int[] outShape, double[] scale, double[] resized, double[] roiStart, double[] roiEnd)
    {
        var y = new double[Nd.Count(outShape)];
        int k = 0;
        foreach (var o in Nd.All(outShape))
            y[k++] = Interpolate(x, inShape, outShape, scale, resized, roiStart, roiEnd, o, 0, new int[inShape.Length]);
        return y;
    }

    private double Interpolate(double[] x, int[] inShape, int[] outShape, double[] scale, double[] resized, double[] rs, double[] re,
        int[] o, int axis, int[] at)
    {
        if (axis == inShape.Length)
            return x[Nd.Offset(at, inShape)];
        int n = inShape[axis];
        double xo = Original(o[axis], n, outShape[axis], scale[axis], resized[axis], rs[axis], re[axis]);
        if (Coordinates == "tf_crop_and_resize" && (xo < 0 || xo > n - 1))
            return Extrapolation;
        double ratio = xo == Math.Floor(xo) ? 1 : xo - Math.Floor(xo);
        var coeffs = Coefficients(ratio, scale[axis]);
        var idx = Neighbours(xo, coeffs.Length);
        if (ExcludeOutside)
        {
            for (int t = 0; t < coeffs.Length; t++)
                if (idx[t] < 0 || idx[t] >= n)
                    coeffs[t] = 0;
            double s = coeffs.Sum();
            for (int t = 0; t < coeffs.Length; t++)
                coeffs[t] /= s;
        }
        double acc = 0;
        for (int t = 0; t < coeffs.Length; t++)
        {
            at[axis] = Math.Clamp(idx[t], 0, n - 1);
            acc += coeffs[t] * Interpolate(x, inShape, outShape, scale, resized, rs, re, o, axis + 1, at);
        }
        return acc;
    }

    private double Original(int j, int inLen, int outLen, double scale, double resized, double rs, double re) => Coordinates switch
    {
        "half_pixel" => (j + 0.5) / scale - 0.5,
        "half_pixel_symmetric" => inLen / 2.0 * (1 - outLen / (inLen * scale)) + (j + 0.5) / scale - 0.5,
        "pytorch_half_pixel" => outLen > 1 ? (j + 0.5) / scale - 0.5 : 0,
        "align_corners" => resized == 1 ? 0 : j * (inLen - 1) / (resized - 1),
        "asymmetric" => j / scale,
        "tf_crop_and_resize" => resized > 1 ? rs * (inLen - 1) + j * (re - rs) * (inLen - 1) / (resized - 1) : 0.5 * (rs + re) * (inLen - 1),
        _ => throw new ArgumentException(Coordinates),
    };

    /// <summary>The n integer positions nearest to x, ties preferring the smaller, ascending.</summary>
    private static int[] Neighbours(double x, int n)
    {
        int lo = (int)Math.Floor(x) - n, hi = (int)Math.Ceiling(x) + n;
        return Enumerable.Range(lo, hi - lo + 1).OrderBy(i => Math.Abs(x - i)).ThenBy(i => i).Take(n).Order().ToArray();
    }

    private double[] Coefficients(double ratio, double scale)
    {
        switch (Mode)
        {
            case "nearest":
                if (ratio == 1)
                    return [0, 1];
                return Nearest switch
                {
                    "round_prefer_floor" => [ratio <= 0.5 ? 1 : 0, ratio > 0.5 ? 1 : 0],
                    "round_prefer_ceil" => [ratio < 0.5 ? 1 : 0, ratio >= 0.5 ? 1 : 0],
                    "floor" => [1, 0],
                    _ => [0, 1],
                };
            case "linear" when !Antialias || scale >= 1:
                return [1 - ratio, ratio];
            case "linear":
            {
                int start = (int)Math.Floor(-1 / scale) + 1, footprint = 2 - 2 * start;
                var c = Enumerable.Range(start, footprint).Select(i => Math.Clamp(1 - Math.Abs((i - ratio) * scale), 0, 1)).ToArray();
                double s = c.Sum();
                return c.Select(v => v / s).ToArray();
            }
            case "cubic" when !Antialias || scale >= 1:
            {
                double a = A, r = ratio;
                return
                [
                    ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
                    ((a + 2) * r - (a + 3)) * r * r + 1,
                    ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1,
                    ((a * (2 - r) - 5 * a) * (2 - r) + 8 * a) * (2 - r) - 4 * a,
                ];
            }
            default:
            {
                double a = A;
                int start = (int)Math.Floor(-2 / scale) + 1, end = 2 - start;
                var c = Enumerable.Range(start, end - start).Select(i =>
                {
                    double t = Math.Abs(scale * (i - ratio));
                    return t <= 1 ? (a + 2) * t * t * t - (a + 3) * t * t + 1 : t < 2 ? a * t * t * t - 5 * a * t * t + 8 * a * t - 4 * a : 0;
                }).ToArray();
                double s = c.Sum();
                return c.Select(v => v / s).ToArray();
            }
        }
    }
}
