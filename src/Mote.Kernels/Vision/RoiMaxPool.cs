using System.Numerics;

namespace Mote.Kernels.Vision;

/// <summary>
/// MaxRoiPool (ONNX opset 1/22, Fast R-CNN's RoI pooling): the maximum of each of pooledH×pooledW bins of one
/// region, on whole pixels.
/// </summary>
/// <remarks>
/// The region's corners are rounded half away from zero after scaling; it spans (end − start + 1) pixels
/// per side (at least 1), split into bins of span/pooled pixels. Bin (ph, pw) covers rows
/// ⌊ph·binH⌋ + startH … ⌈(ph + 1)·binH⌉ + startH − 1, clipped to the image (columns alike); an empty bin is 0.
/// NaN wins the maximum. Layout: x is <c>channels</c> planes of height×width, y <c>channels</c> planes of pooledH×pooledW.
/// </remarks>
public static class RoiMaxPool
{
    /// <summary>Pools one region given by its corners (x1, y1, x2, y2) in input coordinates, times <paramref name="scale"/>.</summary>
    public static void Pool<T>(ReadOnlySpan<T> x, int channels, int height, int width, T x1, T y1, T x2, T y2, T scale,
        int pooledH, int pooledW, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inPlane = height * width, outPlane = pooledH * pooledW;
        if (x.Length < (long)channels * inPlane || y.Length < (long)channels * outPlane)
            throw new ArgumentException("x or y is shorter than the sizes say");
        long startW = Round(x1 * scale), startH = Round(y1 * scale), endW = Round(x2 * scale), endH = Round(y2 * scale);
        T binH = T.CreateTruncating(Math.Max(endH - startH + 1, 1)) / T.CreateTruncating(pooledH);
        T binW = T.CreateTruncating(Math.Max(endW - startW + 1, 1)) / T.CreateTruncating(pooledW);
        for (int ph = 0; ph < pooledH; ph++)
        {
            int h0 = Edge(T.Floor(T.CreateTruncating(ph) * binH), startH, height);
            int h1 = Edge(T.Ceiling(T.CreateTruncating(ph + 1) * binH), startH, height);
            for (int pw = 0; pw < pooledW; pw++)
            {
                int w0 = Edge(T.Floor(T.CreateTruncating(pw) * binW), startW, width);
                int w1 = Edge(T.Ceiling(T.CreateTruncating(pw + 1) * binW), startW, width);
                for (int c = 0; c < channels; c++)
                {
                    T best = T.Zero;
                    bool any = false;
                    var plane = x.Slice(c * inPlane, inPlane);
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++)
                        {
                            T v = plane[h * width + w];
                            if (!any || v > best || T.IsNaN(v))
                                best = any && T.IsNaN(best) ? best : v;
                            any = true;
                        }
                    y[c * outPlane + ph * pooledW + pw] = best;
                }
            }
        }
    }

    private static long Round<T>(T v) where T : unmanaged, IFloatingPointIeee754<T> =>
        long.CreateSaturating(T.Round(v, MidpointRounding.AwayFromZero));

    // offset + start, clipped to [0, size]; computed in double so that huge offsets saturate instead of wrapping.
    private static int Edge<T>(T offset, long start, int size) where T : unmanaged, IFloatingPointIeee754<T> =>
        (int)Math.Clamp(double.CreateTruncating(offset) + start, 0, size);
}
