using Mote.Kernels.Convolution;
using Mote.Kernels.Quantized;

namespace Mote.Kernels.Tests.Quantized;

/// <summary><see cref="DepthwiseConvQ8"/> against the direct sum over taps, on every awkward convolution geometry.</summary>
public class DepthwiseConvQ8Tests
{
    [Theory]
    [InlineData(QuantType8.QU8, QuantType8.QS8)]
    [InlineData(QuantType8.QS8, QuantType8.QS8)]
    [InlineData(QuantType8.QU8, QuantType8.QU8)]
    public void SumsEqualTheDirectSum(QuantType8 xType, QuantType8 wType)
    {
        var rng = new Random((int)xType * 3 + (int)wType);
        var geometries = ConvolutionTests.Geometries.Select(g => Window2D.Create(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]))
            .Concat([Window2D.Create(1, 1, 1, 1), Window2D.Create(120, 160, 3, 3, 2, 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
                     Window2D.Create(13, 41, 5, 5, 1, 1, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2)]);
        foreach (var win in geometries)
        {
            const int channels = 3;
            var x = new byte[channels * win.InputSize];
            var w = new byte[channels * win.KernelSize];
            rng.NextBytes(x);
            rng.NextBytes(w);
            if (x.Length > 2) (x[0], x[1]) = (0, 255); // the extremes of either type
            int xZero = xType == QuantType8.QU8 ? 200 : -100;
            int[] wZero = wType == QuantType8.QU8 ? [128, 3, 255] : [0, -128, 127];
            var sums = new int[channels * win.OutputSize + 5];
            Array.Fill(sums, 12345);
            DepthwiseConvQ8.Sums(x, xType, xZero, w, wType, wZero, channels, in win, sums.AsSpan(0, channels * win.OutputSize));
            for (int c = 0; c < channels; c++)
                for (int oy = 0; oy < win.OutputHeight; oy++)
                    for (int ox = 0; ox < win.OutputWidth; ox++)
                    {
                        long want = 0;
                        for (int ky = 0; ky < win.KernelHeight; ky++)
                            for (int kx = 0; kx < win.KernelWidth; kx++)
                            {
                                int iy = oy * win.StrideHeight - win.PadTop + ky * win.DilationHeight;
                                int ix = ox * win.StrideWidth - win.PadLeft + kx * win.DilationWidth;
                                if (iy < 0 || iy >= win.InputHeight || ix < 0 || ix >= win.InputWidth)
                                    continue;
                                want += (long)(xType.Read(x[c * win.InputSize + iy * win.InputWidth + ix]) - xZero)
                                    * (wType.Read(w[c * win.KernelSize + ky * win.KernelWidth + kx]) - wZero[c]);
                            }
                        int got = sums[c * win.OutputSize + oy * win.OutputWidth + ox];
                        Assert.True(want == got, $"{win} c={c} ({oy},{ox}): {got}, expected {want}");
                    }
            Assert.All(sums[(channels * win.OutputSize)..], s => Assert.Equal(12345, s));
        }
    }
}
