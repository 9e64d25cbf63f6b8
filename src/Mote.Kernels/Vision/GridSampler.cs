using System.Numerics;

namespace Mote.Kernels.Vision;

/// <summary>How <see cref="GridSampler"/> interpolates between pixels.</summary>
public enum GridSampleMode : byte
{
    /// <summary>(Bi/tri)linear: 2 taps per dimension.</summary>
    Linear,
    /// <summary>The nearest pixel: 1 tap per dimension.</summary>
    Nearest,
    /// <summary>Cubic convolution (Keys, a = −0.75): 4 taps per dimension.</summary>
    Cubic,
}

/// <summary>What <see cref="GridSampler"/> reads outside the image.</summary>
public enum GridSamplePadding : byte
{
    /// <summary>Zero.</summary>
    Zeros,
    /// <summary>The nearest border pixel (coordinates are clamped).</summary>
    Border,
    /// <summary>The image mirrored at its borders (coordinates are reflected).</summary>
    Reflection,
}

/// <summary>
/// GridSample (ONNX opset 20/22, PyTorch's grid_sample): samples an image at normalized positions in
/// [−1, 1] (−1 and 1 are the centres of the corner pixels with <c>alignCorners</c>, else the outer
/// edges of the corner pixels), with the interpolation <see cref="GridSampleMode"/> and the out-of-image
/// rule <see cref="GridSamplePadding"/>; 1 to 3 spatial dimensions, f32 or f64.
/// </summary>
/// <remarks>
/// <para>Per dimension of size d, a normalized coordinate g becomes x = (g + 1)/2·(d − 1) with
/// alignCorners, else ((g + 1)·d − 1)/2. Nearest rounds x first, half to even (as ONNX's expected
/// outputs do for every rank, 3-D included). A coordinate outside [lo, hi] — [0, d−1]
/// with alignCorners, else [−½, d−½] — is clamped to [0, d−1] (border) or reflected into [lo, hi]
/// (reflection). The taps around x then read pixels with the same rule: zero, clamped or reflected
/// indices. The result sums the taps of the last dimension first, then each outer one. A NaN coordinate
/// gives NaN.</para>
/// <para>Layout: x is <c>channels</c> dense planes of Π inSizes values (last dimension fastest); grid is
/// <c>positions</c> vectors of r values whose component 0 addresses the LAST spatial dimension (x, y, z
/// order); y is <c>channels</c> planes of <c>positions</c> values. Every spatial size must be ≥ 1.</para>
/// </remarks>
public static class GridSampler
{
    /// <summary>Spatial dimensions supported.</summary>
    public const int MaxRank = 3;

    private const int MaxTaps = 4;

    /// <summary>Samples one image: y[c, p] for every channel c and grid position p.</summary>
    public static void Sample<T>(ReadOnlySpan<T> x, int channels, ReadOnlySpan<int> inSizes, ReadOnlySpan<T> grid, int positions,
        GridSampleMode mode, GridSamplePadding padding, bool alignCorners, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int r = inSizes.Length;
        if (r < 1 || r > MaxRank)
            throw new ArgumentException($"GridSample takes 1 to {MaxRank} spatial dimensions, got {r}", nameof(inSizes));
        int plane = 1;
        foreach (int d in inSizes)
        {
            if (d < 1)
                throw new ArgumentException("every spatial size must be at least 1", nameof(inSizes));
            plane = checked(plane * d);
        }
        if (x.Length < (long)channels * plane || grid.Length < (long)positions * r || y.Length < (long)channels * positions)
            throw new ArgumentException("x, grid or y is shorter than the sizes say");

        // Three dimensions always; the missing outer ones are a single tap at index 0 with weight 1.
        Span<int> index = stackalloc int[MaxRank * MaxTaps];
        Span<T> weight = stackalloc T[MaxRank * MaxTaps];
        Span<int> taps = stackalloc int[MaxRank];
        Span<int> size = stackalloc int[MaxRank];
        int pad = MaxRank - r;
        for (int d = 0; d < MaxRank; d++)
            size[d] = d < pad ? 1 : inSizes[d - pad];
        int stride0 = size[1] * size[2], stride1 = size[2];
        for (int p = 0; p < positions; p++)
        {
            for (int d = 0; d < MaxRank; d++)
            {
                var id = index.Slice(d * MaxTaps, MaxTaps);
                var wd = weight.Slice(d * MaxTaps, MaxTaps);
                if (d < pad)
                {
                    (taps[d], id[0], wd[0]) = (1, 0, T.One);
                    continue;
                }
                T g = grid[p * r + (r - 1 - (d - pad))];
                taps[d] = Taps(g, size[d], mode, padding, alignCorners, id, wd);
            }
            for (int c = 0; c < channels; c++)
            {
                var xc = x.Slice(c * plane, plane);
                T sum0 = T.Zero;
                for (int a = 0; a < taps[0]; a++)
                {
                    int ia = index[a];
                    if (ia < 0)
                        continue;
                    T sum1 = T.Zero;
                    for (int b = 0; b < taps[1]; b++)
                    {
                        int ib = index[MaxTaps + b];
                        if (ib < 0)
                            continue;
                        T sum2 = T.Zero;
                        int row = ia * stride0 + ib * stride1;
                        for (int e = 0; e < taps[2]; e++)
                        {
                            int ie = index[2 * MaxTaps + e];
                            if (ie >= 0)
                                sum2 += weight[2 * MaxTaps + e] * xc[row + ie];
                        }
                        sum1 += weight[MaxTaps + b] * sum2;
                    }
                    sum0 += weight[a] * sum1;
                }
                y[c * positions + p] = sum0;
            }
        }
    }

    /// <summary>
    /// The pixels one normalized coordinate reads along a dimension of <paramref name="size"/> and their
    /// weights; an index of −1 reads zero. Returns the number of taps (1, 2 or 4).
    /// </summary>
    public static int Taps<T>(T g, int size, GridSampleMode mode, GridSamplePadding padding, bool alignCorners, Span<int> index, Span<T> weight)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T one = T.One, two = one + one, half = one / two;
        T x = alignCorners ? (g + one) / two * T.CreateTruncating(size - 1) : ((g + one) * T.CreateTruncating(size) - one) / two;
        if (mode == GridSampleMode.Nearest)
            x = T.Round(x, MidpointRounding.ToEven);
        T lo = alignCorners ? T.Zero : -half, hi = alignCorners ? T.CreateTruncating(size - 1) : T.CreateTruncating(size) - half;
        if (x < lo || x > hi)
        {
            if (padding == GridSamplePadding.Border)
                x = T.Clamp(x, T.Zero, T.CreateTruncating(size - 1));
            else if (padding == GridSamplePadding.Reflection)
                x = T.IsInfinity(x) ? T.NaN : Reflect(x, lo, hi);
        }
        if (T.IsNaN(x))
        {
            (index[0], weight[0]) = (0, T.NaN);
            return 1;
        }
        if (mode == GridSampleMode.Nearest)
        {
            (index[0], weight[0]) = (Pixel(x, size, padding, lo, hi), T.One);
            return 1;
        }
        T x0 = T.Floor(x), t = x - x0;
        if (mode == GridSampleMode.Linear)
        {
            (index[0], weight[0]) = (Pixel(x0, size, padding, lo, hi), one - t);
            (index[1], weight[1]) = (Pixel(x0 + one, size, padding, lo, hi), t);
            return 2;
        }
        CubicWeights(t, weight);
        for (int k = 0; k < 4; k++)
            index[k] = Pixel(x0 + T.CreateTruncating(k - 1), size, padding, lo, hi);
        return 4;
    }

    /// <summary>Keys' cubic convolution weights (a = −0.75) of the taps at −1, 0, 1, 2 from a point <paramref name="t"/> ∈ [0, 1) past tap 0.</summary>
    public static void CubicWeights<T>(T t, Span<T> w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T a = T.CreateTruncating(-0.75), one = T.One, two = one + one;
        T three = two + one, four = two + two, five = four + one, eight = four + four;
        T u = t + one;
        w[0] = ((a * u - five * a) * u + eight * a) * u - four * a;
        w[1] = ((a + two) * t - (a + three)) * t * t + one;
        u = one - t;
        w[2] = ((a + two) * u - (a + three)) * u * u + one;
        u = two - t;
        w[3] = ((a * u - five * a) * u + eight * a) * u - four * a;
    }

    /// <summary>The pixel an integral coordinate <paramref name="i"/> reads, or −1 for zero padding outside the image.</summary>
    private static int Pixel<T>(T i, int size, GridSamplePadding padding, T lo, T hi) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (padding)
        {
            case GridSamplePadding.Zeros:
                return i >= T.Zero && i < T.CreateTruncating(size) ? int.CreateTruncating(i) : -1;
            case GridSamplePadding.Border:
                return int.CreateTruncating(T.Clamp(i, T.Zero, T.CreateTruncating(size - 1)));
            default:
                // Reflected coordinates of integral indices are integral; truncation only drops a −0.
                return Math.Clamp(int.CreateTruncating(Reflect(i, lo, hi)), 0, size - 1);
        }
    }

    /// <summary>Mirrors <paramref name="x"/> at lo and hi until it lies in [lo, hi].</summary>
    private static T Reflect<T>(T x, T lo, T hi) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T range = hi - lo;
        if (range <= T.Zero)
            return lo;
        if (x < lo)
        {
            T dx = lo - x, n = T.Floor(dx / range), rem = dx - n * range;
            return T.IsEvenInteger(n) ? lo + rem : hi - rem;
        }
        if (x > hi)
        {
            T dx = x - hi, n = T.Floor(dx / range), rem = dx - n * range;
            return T.IsEvenInteger(n) ? hi - rem : lo + rem;
        }
        return x;
    }
}
