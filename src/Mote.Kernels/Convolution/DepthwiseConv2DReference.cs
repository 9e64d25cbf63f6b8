namespace Mote.Kernels.Convolution;

/// <summary>The scalar reference depthwise convolution of one plane, as the definition reads.</summary>
public static class DepthwiseConv2DReference
{
    /// <summary>
    /// <c>y[oy, ox] = act(bias + Σ_{ky,kx} x[oy·sh − pt + ky·dh, ox·sw − pl + kx·dw] · w[ky, kx])</c>, taps outside
    /// the input counting as zero, summed in (ky, kx) order.
    /// </summary>
    public static void Plane(ReadOnlySpan<float> x, in Window2D win, ReadOnlySpan<float> w, float bias, Activation activation, Span<float> y)
    {
        for (int oy = 0; oy < win.OutputHeight; oy++)
            for (int ox = 0; ox < win.OutputWidth; ox++)
            {
                float sum = bias;
                for (int ky = 0; ky < win.KernelHeight; ky++)
                {
                    int iy = oy * win.StrideHeight - win.PadTop + ky * win.DilationHeight;
                    if (iy < 0 || iy >= win.InputHeight) continue;
                    for (int kx = 0; kx < win.KernelWidth; kx++)
                    {
                        int ix = ox * win.StrideWidth - win.PadLeft + kx * win.DilationWidth;
                        if (ix < 0 || ix >= win.InputWidth) continue;
                        sum += x[iy * win.InputWidth + ix] * w[ky * win.KernelWidth + kx];
                    }
                }
                y[oy * win.OutputWidth + ox] = activation.Apply(sum);
            }
    }
}
