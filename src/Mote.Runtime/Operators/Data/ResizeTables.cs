namespace Mote.Runtime.Operators.Data;

/// <summary>
/// The per-axis tap tables of Resize: for each output position along one axis, the source
/// indices (already clamped to the input, which is how ONNX extends the edge) and weights of
/// its taps, plus an "outside" flag for tf_crop_and_resize positions that take the
/// extrapolation value. Built once per execution (cost proportional to the output's extent
/// along the axis), so the interpolation loops do no coordinate arithmetic.
/// </summary>
internal readonly struct ResizeFilter
{
    public ResizeMode Mode { get; init; }

    public ResizeCoordinates Coordinates { get; init; }

    public ResizeRounding Rounding { get; init; }

    public float CubicA { get; init; }

    public bool ExcludeOutside { get; init; }

    public bool Antialias { get; init; }

    /// <summary>Taps per output position along an axis resized by <paramref name="scale"/>.</summary>
    public int Taps(double scale) => Mode switch
    {
        ResizeMode.Nearest => 1,
        _ => 2 - 2 * FirstTap(scale),
    };

    /// <summary>Offset of the first tap from floor(x): 0 for linear, -1 for cubic, further out when antialiasing a downscale.</summary>
    private int FirstTap(double scale)
    {
        double support = Mode == ResizeMode.Linear ? 1 : 2;
        if (!Antialias || scale >= 1)
            return Mode == ResizeMode.Linear ? 0 : -1;
        // The kernel is stretched by 1/scale: taps cover (-support/scale, support/scale).
        return (int)Math.Floor(-support / scale) + 1;
    }

    /// <summary>
    /// Fills the tables of one axis: <paramref name="index"/> and <paramref name="weight"/> hold
    /// <see cref="Taps"/> entries per output position, <paramref name="outside"/> one flag per position.
    /// </summary>
    public void Build(int inLen, int outLen, double scale, double resized, double roiStart, double roiEnd,
        Span<int> index, Span<float> weight, Span<byte> outside)
    {
        int taps = Taps(scale);
        int first = Mode == ResizeMode.Nearest ? 0 : FirstTap(scale);
        double stretch = Antialias && scale < 1 ? scale : 1;
        Span<double> w = stackalloc double[taps];
        for (int j = 0; j < outLen; j++)
        {
            double x = Original(j, inLen, outLen, scale, resized, roiStart, roiEnd);
            bool isOutside = Coordinates == ResizeCoordinates.TfCropAndResize && (x < 0 || x > inLen - 1);
            outside[j] = isOutside ? (byte)1 : (byte)0;
            var idx = index.Slice(j * taps, taps);
            var wt = weight.Slice(j * taps, taps);
            if (isOutside || inLen == 0)
            {
                idx.Clear();
                wt.Clear();
                continue;
            }
            if (Mode == ResizeMode.Nearest)
            {
                idx[0] = Math.Clamp(Nearest(x), 0, inLen - 1);
                wt[0] = 1;
                continue;
            }
            double f = Math.Floor(x), frac = x - f;
            double sum = 0;
            for (int t = 0; t < taps; t++)
            {
                long i = (long)f + first + t;
                double v = Kernel((first + t - frac) * stretch);
                if (ExcludeOutside && (i < 0 || i >= inLen))
                    v = 0;
                w[t] = v;
                sum += v;
                idx[t] = (int)Math.Clamp(i, 0, inLen - 1);
            }
            // Antialiased kernels are renormalized; so are kernels that lost taps outside.
            bool normalize = (Antialias && scale < 1) || ExcludeOutside;
            for (int t = 0; t < taps; t++)
                wt[t] = (float)(normalize && sum != 0 ? w[t] / sum : w[t]);
        }
    }

    /// <summary>True when the tables map output j to input j with weight 1 (the axis is unchanged).</summary>
    public static bool IsIdentity(int inLen, int outLen, int taps, ReadOnlySpan<int> index, ReadOnlySpan<float> weight, ReadOnlySpan<byte> outside)
    {
        if (inLen != outLen)
            return false;
        for (int j = 0; j < outLen; j++)
        {
            if (outside[j] != 0)
                return false;
            float onDiagonal = 0;
            for (int t = 0; t < taps; t++)
            {
                float v = weight[j * taps + t];
                if (index[j * taps + t] == j)
                    onDiagonal += v;
                else if (v != 0)
                    return false;
            }
            if (onDiagonal != 1)
                return false;
        }
        return true;
    }

    /// <summary>The input coordinate of output position <paramref name="j"/>.</summary>
    private double Original(int j, int inLen, int outLen, double scale, double resized, double roiStart, double roiEnd) => Coordinates switch
    {
        ResizeCoordinates.HalfPixel => (j + 0.5) / scale - 0.5,
        // Centres the sampled region when the output length was rounded down.
        ResizeCoordinates.HalfPixelSymmetric => inLen / 2.0 * (1 - outLen / resized) + (j + 0.5) / scale - 0.5,
        ResizeCoordinates.PytorchHalfPixel => outLen > 1 ? (j + 0.5) / scale - 0.5 : 0,
        ResizeCoordinates.AlignCorners => resized == 1 ? 0 : j * (inLen - 1) / (resized - 1),
        ResizeCoordinates.Asymmetric => j / scale,
        _ => resized > 1
            ? roiStart * (inLen - 1) + j * (roiEnd - roiStart) * (inLen - 1) / (resized - 1)
            : 0.5 * (roiStart + roiEnd) * (inLen - 1),
    };

    private int Nearest(double x)
    {
        double f = Math.Floor(x);
        if (f == x)
            return (int)f;
        double frac = x - f;
        return Rounding switch
        {
            ResizeRounding.RoundPreferFloor => frac <= 0.5 ? (int)f : (int)f + 1,
            ResizeRounding.RoundPreferCeil => frac < 0.5 ? (int)f : (int)f + 1,
            ResizeRounding.Floor => (int)f,
            _ => (int)f + 1,
        };
    }

    /// <summary>The interpolation kernel at distance <paramref name="t"/> (already scaled for antialiasing).</summary>
    private double Kernel(double t)
    {
        t = Math.Abs(t);
        if (Mode == ResizeMode.Linear)
            return Math.Max(0, 1 - t);
        // Keys cubic convolution with coefficient A.
        double a = CubicA;
        if (t <= 1)
            return ((a + 2) * t - (a + 3)) * t * t + 1;
        if (t < 2)
            return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
        return 0;
    }
}
