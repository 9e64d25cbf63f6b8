using System.Numerics;

namespace Mote.Kernels.Vision;

/// <summary>How <see cref="RoiAlign"/> reduces the samples of a bin.</summary>
public enum RoiAlignMode : byte
{
    /// <summary>The mean of the bilinear samples.</summary>
    Average,
    /// <summary>The largest weighted corner of any sample (ONNX's definition, see <see cref="RoiAlign"/>).</summary>
    Max,
}

/// <summary>
/// RoiAlign (ONNX opset 16, Mask R-CNN): pools one region of one image into an outH×outW grid of bins,
/// each the reduction of gridH×gridW bilinear samples at the centres of a regular sub-grid of the bin.
/// </summary>
/// <remarks>
/// <para>The region starts at (startH, startW) and spans (roiH, roiW) pixels, already scaled and shifted by
/// the caller; the bins are roiH/outH × roiW/outW. The sub-grid is <c>samplingRatio</c> per side, or
/// ⌈roi/out⌉ when it is 0 (adaptive). A sample outside [−1, size] reads 0; otherwise coordinates below 0
/// become 0 and those at or beyond size − 1 read the last row/column.</para>
/// <para>Average divides the sum of samples by max(gridH·gridW, 1). Max is ONNX's (and ONNX Runtime's)
/// definition: the largest of the four weighted corners w·v of each sample, maximised over the samples —
/// not the maximum of the interpolated values. A bin with no samples is 0.</para>
/// <para>Layout: x is <c>channels</c> planes of height×width; y is <c>channels</c> planes of outH×outW.</para>
/// </remarks>
public static class RoiAlign
{
    /// <summary>Largest sub-grid side accepted (an adaptive grid over a huge region would never finish).</summary>
    public const int MaxSamplesPerSide = 1 << 14;

    /// <summary>Pools one region.</summary>
    public static void Pool<T>(ReadOnlySpan<T> x, int channels, int height, int width, T startH, T startW, T roiH, T roiW,
        int outH, int outW, int samplingRatio, RoiAlignMode mode, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inPlane = height * width, outPlane = outH * outW;
        if (x.Length < (long)channels * inPlane || y.Length < (long)channels * outPlane)
            throw new ArgumentException("x or y is shorter than the sizes say");
        T binH = roiH / T.CreateTruncating(outH), binW = roiW / T.CreateTruncating(outW);
        int gridH = samplingRatio > 0 ? samplingRatio : GridSide(roiH / T.CreateTruncating(outH));
        int gridW = samplingRatio > 0 ? samplingRatio : GridSide(roiW / T.CreateTruncating(outW));
        T count = T.CreateTruncating(Math.Max(gridH * gridW, 1));
        T half = T.One / (T.One + T.One);
        for (int ph = 0; ph < outH; ph++)
            for (int pw = 0; pw < outW; pw++)
            {
                int bin = ph * outW + pw;
                for (int c = 0; c < channels; c++)
                    y[c * outPlane + bin] = T.Zero;
                for (int iy = 0; iy < gridH; iy++)
                {
                    T sy = startH + T.CreateTruncating(ph) * binH + (T.CreateTruncating(iy) + half) * binH / T.CreateTruncating(gridH);
                    for (int ix = 0; ix < gridW; ix++)
                    {
                        T sx = startW + T.CreateTruncating(pw) * binW + (T.CreateTruncating(ix) + half) * binW / T.CreateTruncating(gridW);
                        var s = Sample(sy, sx, height, width);
                        bool first = iy == 0 && ix == 0;
                        for (int c = 0; c < channels; c++)
                        {
                            var plane = x.Slice(c * inPlane, inPlane);
                            T v1 = s.W1 * plane[s.P1], v2 = s.W2 * plane[s.P2], v3 = s.W3 * plane[s.P3], v4 = s.W4 * plane[s.P4];
                            ref T acc = ref y[c * outPlane + bin];
                            if (mode == RoiAlignMode.Average)
                                acc += v1 + v2 + v3 + v4;
                            else
                            {
                                T m = T.Max(T.Max(v1, v2), T.Max(v3, v4));
                                acc = first ? m : T.Max(acc, m);
                            }
                        }
                    }
                }
                if (mode == RoiAlignMode.Average)
                    for (int c = 0; c < channels; c++)
                        y[c * outPlane + bin] /= count;
            }
    }

    private static int GridSide<T>(T binSize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T side = T.Ceiling(binSize);
        if (T.IsNaN(side) || side > T.CreateTruncating(MaxSamplesPerSide))
            throw new ArgumentException($"an adaptive sampling grid of {binSize} samples per side is too large");
        return Math.Max(0, int.CreateTruncating(side));
    }

    /// <summary>The four corners of a bilinear sample and their weights (all 0 outside the image).</summary>
    private static Corners<T> Sample<T>(T y, T x, int height, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(y >= -T.One && y <= T.CreateTruncating(height) && x >= -T.One && x <= T.CreateTruncating(width)))
            return default;
        y = T.Max(y, T.Zero);
        x = T.Max(x, T.Zero);
        int yLow = int.CreateTruncating(y), xLow = int.CreateTruncating(x), yHigh, xHigh;
        if (yLow >= height - 1)
        {
            yHigh = yLow = height - 1;
            y = T.CreateTruncating(yLow);
        }
        else
            yHigh = yLow + 1;
        if (xLow >= width - 1)
        {
            xHigh = xLow = width - 1;
            x = T.CreateTruncating(xLow);
        }
        else
            xHigh = xLow + 1;
        T ly = y - T.CreateTruncating(yLow), lx = x - T.CreateTruncating(xLow), hy = T.One - ly, hx = T.One - lx;
        return new Corners<T>(yLow * width + xLow, yLow * width + xHigh, yHigh * width + xLow, yHigh * width + xHigh, hy * hx, hy * lx, ly * hx, ly * lx);
    }

    private readonly record struct Corners<T>(int P1, int P2, int P3, int P4, T W1, T W2, T W3, T W4) where T : unmanaged;
}
