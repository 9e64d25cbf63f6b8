using Mote.Kernels.Convolution;
using Mote.Kernels.Gemm;

namespace Mote.Kernels.Tests;

/// <summary>
/// Winograd F(2×2, 3×3) against a float64 convolution, its error measured beside the direct float32 reference's
/// on the same data: the transforms may cost a few ulp, not orders of magnitude.
/// </summary>
public class WinogradTests(ITestOutputHelper output)
{
    public static TheoryData<string> SgemmVariants => TestData.VariantNames(KernelFamily.Sgemm);

    // (C, M, H, W, pad top, left, bottom, right): odd and even sizes (ragged last tiles), 1×1 images, asymmetric and large pads, SqueezeNet's fire shapes.
    private static readonly int[][] Cases =
    [
        [1, 1, 1, 1, 1, 1, 1, 1],
        [3, 5, 2, 3, 0, 0, 0, 0],
        [4, 7, 5, 7, 1, 1, 1, 1],
        [16, 64, 13, 13, 1, 1, 1, 1],
        [8, 9, 14, 11, 0, 1, 2, 0],
        [5, 3, 6, 6, 2, 2, 2, 2],
        [16, 64, 55, 55, 1, 1, 1, 1],
    ];

    [Theory]
    [MemberData(nameof(SgemmVariants))]
    public void MatchesDirectConvolutionWithinItsRounding(string name)
    {
        var v = TestData.Variant(name);
        if (!v.IsSupportedBy(CpuFeatures.Detect())) return;
        var sgemm = (SgemmKernel)v.Kernel;
        int seed = 0;
        foreach (var k in Cases)
        {
            int c = k[0], m = k[1];
            var win = Window2D.Create(k[2], k[3], 3, 3, 1, 1, 1, 1, k[4], k[5], k[6], k[7]);
            float[] x = TestData.Random(c * win.InputSize, ++seed, -1f, 1f);
            float[] w = TestData.Random(m * c * 9, ++seed, -0.5f, 0.5f);
            float[] b = TestData.Random(m, ++seed);
            var wino = new Winograd2x3(sgemm, w, m, c);
            var y = new float[m * win.OutputSize + 5];
            Array.Fill(y, TestData.Sentinel);
            wino.Compute(x, in win, b, Activation.None, y.AsSpan(0, m * win.OutputSize), new float[wino.ScratchFloats(in win)]);
            Assert.All(y[(m * win.OutputSize)..], s => Assert.Equal(TestData.Sentinel, s));

            var direct = new float[m * win.OutputSize];
            int[] xShape = [1, c, win.InputHeight, win.InputWidth], wShape = [m, c, 3, 3];
            ConvReference.Conv(x, xShape, w, wShape, b, 1, [1, 1], [1, 1], [k[4], k[5], k[6], k[7]], direct);
            double winoErr = 0, directErr = 0, scale = 0;
            for (int o = 0; o < m; o++)
                for (int oy = 0; oy < win.OutputHeight; oy++)
                    for (int ox = 0; ox < win.OutputWidth; ox++)
                    {
                        double exact = b[o], magnitude = Math.Abs(b[o]);
                        for (int ci = 0; ci < c; ci++)
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 3; kx++)
                                {
                                    int iy = oy - k[4] + ky, ix = ox - k[5] + kx;
                                    if ((uint)iy >= (uint)win.InputHeight || (uint)ix >= (uint)win.InputWidth) continue;
                                    double p = (double)x[(ci * win.InputHeight + iy) * win.InputWidth + ix] * w[((o * c + ci) * 3 + ky) * 3 + kx];
                                    exact += p;
                                    magnitude += Math.Abs(p);
                                }
                        int i = (o * win.OutputHeight + oy) * win.OutputWidth + ox;
                        winoErr = Math.Max(winoErr, Math.Abs(y[i] - exact));
                        directErr = Math.Max(directErr, Math.Abs(direct[i] - exact));
                        scale = Math.Max(scale, magnitude);
                    }
            output.WriteLine($"{name} C={c} M={m} {win.InputHeight}x{win.InputWidth}: max error Winograd {winoErr:E2}, direct {directErr:E2} (largest Σ|x·w| {scale:F1})");
            // Rounding of both stays near float epsilon times the sum of magnitudes; Winograd's transforms add a few such roundings.
            Assert.True(winoErr <= 8 * float.Epsilon + 16 * 1.2e-7 * scale, $"{name} C={c} M={m}: Winograd error {winoErr:E2} (direct {directErr:E2}, scale {scale:F1})");
        }
    }

    [Fact]
    public void ReluIsAppliedAfterTheBias()
    {
        var sgemm = (SgemmKernel)TestData.Runnable(KernelFamily.Sgemm).First().Kernel;
        var win = Window2D.Create(4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        float[] x = TestData.Random(2 * 16, 3);
        float[] w = TestData.Random(3 * 2 * 9, 4);
        float[] b = [0.5f, -0.5f, 0f];
        var wino = new Winograd2x3(sgemm, w, 3, 2);
        var plain = new float[3 * 16];
        var relu = new float[3 * 16];
        var scratch = new float[wino.ScratchFloats(in win)];
        wino.Compute(x, in win, b, Activation.None, plain, scratch);
        wino.Compute(x, in win, b, Activation.Relu, relu, scratch);
        Assert.Equal(plain.Select(p => Math.Max(p, 0f)).ToArray(), relu);
        Assert.Contains(plain, p => p < 0f);
    }

    [Fact]
    public void OtherWindowsAreRefused()
    {
        var sgemm = (SgemmKernel)TestData.Runnable(KernelFamily.Sgemm).First().Kernel;
        var wino = new Winograd2x3(sgemm, new float[9], 1, 1);
        var strided = Window2D.Create(8, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        Assert.False(Winograd2x3.Fits(in strided));
        Assert.Throws<ArgumentException>(() => wino.Compute(new float[64], in strided, [], Activation.None, new float[16], new float[1024]));
    }
}
