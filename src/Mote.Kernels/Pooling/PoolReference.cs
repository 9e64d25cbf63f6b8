using Mote.Kernels.Convolution;

namespace Mote.Kernels.Pooling;

/// <summary>The scalar reference pooling of one plane, as the ONNX definitions read.</summary>
public static class PoolReference
{
    /// <summary>
    /// MaxPool: the largest input under the window, taps in the padding ignored (−∞ when every tap is
    /// padding). NaN propagates.
    /// </summary>
    public static void MaxPlane(ReadOnlySpan<float> x, in Window2D win, Span<float> y)
    {
        for (int oy = 0; oy < win.OutputHeight; oy++)
            for (int ox = 0; ox < win.OutputWidth; ox++)
            {
                float max = float.NegativeInfinity;
                for (int ky = 0; ky < win.KernelHeight; ky++)
                    for (int kx = 0; kx < win.KernelWidth; kx++)
                    {
                        int iy = oy * win.StrideHeight - win.PadTop + ky * win.DilationHeight;
                        int ix = ox * win.StrideWidth - win.PadLeft + kx * win.DilationWidth;
                        if (iy >= 0 && iy < win.InputHeight && ix >= 0 && ix < win.InputWidth)
                            max = MathF.Max(max, x[iy * win.InputWidth + ix]);
                    }
                y[oy * win.OutputWidth + ox] = max;
            }
    }

    /// <summary>
    /// AveragePool: the sum of the inputs under the window divided by the number of taps inside the input,
    /// or, with <paramref name="countIncludePad"/>, by the number of taps inside the padded input
    /// [−PadTop, H + PadBottom) × [−PadLeft, W + PadRight) (a ceil-mode window reaching past that is cut).
    /// 0 when the divisor is 0.
    /// </summary>
    public static void AveragePlane(ReadOnlySpan<float> x, in Window2D win, bool countIncludePad, Span<float> y)
    {
        for (int oy = 0; oy < win.OutputHeight; oy++)
            for (int ox = 0; ox < win.OutputWidth; ox++)
            {
                float sum = 0f;
                int inside = 0, padded = 0;
                for (int ky = 0; ky < win.KernelHeight; ky++)
                    for (int kx = 0; kx < win.KernelWidth; kx++)
                    {
                        int iy = oy * win.StrideHeight - win.PadTop + ky * win.DilationHeight;
                        int ix = ox * win.StrideWidth - win.PadLeft + kx * win.DilationWidth;
                        if (iy >= -win.PadTop && iy < win.InputHeight + win.PadBottom && ix >= -win.PadLeft && ix < win.InputWidth + win.PadRight)
                            padded++;
                        if (iy >= 0 && iy < win.InputHeight && ix >= 0 && ix < win.InputWidth)
                        {
                            sum += x[iy * win.InputWidth + ix];
                            inside++;
                        }
                    }
                int n = countIncludePad ? padded : inside;
                y[oy * win.OutputWidth + ox] = n == 0 ? 0f : sum / n;
            }
    }

    /// <summary>GlobalMaxPool of one plane (−∞ for an empty plane).</summary>
    public static float GlobalMax(ReadOnlySpan<float> x)
    {
        float max = float.NegativeInfinity;
        foreach (float v in x) max = MathF.Max(max, v);
        return max;
    }

    /// <summary>GlobalAveragePool of one plane (0 for an empty plane).</summary>
    public static float GlobalAverage(ReadOnlySpan<float> x)
    {
        float sum = 0f;
        foreach (float v in x) sum += v;
        return x.Length == 0 ? 0f : sum / x.Length;
    }
}
