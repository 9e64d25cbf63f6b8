using Mote.Kernels.Convolution;
using Mote.Kernels.Gemm;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Tests;

public class ConvolutionTests
{
    public static TheoryData<string> DepthwiseVariants => TestData.VariantNames(KernelFamily.DepthwiseConv2D);
    public static TheoryData<string> SgemmVariants => TestData.VariantNames(KernelFamily.Sgemm);

    /// <summary>Awkward 2-D geometries: (H, W, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr).</summary>
    public static readonly int[][] Geometries =
    [
        [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
        [1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],
        [1, 1, 3, 3, 2, 2, 1, 1, 2, 2, 2, 2],     // pads larger than kernel − 1
        [5, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],
        [7, 5, 3, 3, 2, 2, 1, 1, 0, 1, 1, 0],     // asymmetric pads
        [13, 37, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],
        [13, 37, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1],
        [16, 70, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2],
        [17, 71, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2],
        [11, 40, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2],   // dilation
        [11, 41, 3, 3, 2, 2, 2, 3, 1, 3, 2, 0],
        [9, 50, 3, 5, 3, 3, 1, 1, 1, 2, 1, 2],    // stride 3: scalar path
        [8, 33, 2, 4, 1, 2, 1, 1, 0, 0, 1, 3],
        [6, 100, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
        [6, 64, 7, 7, 1, 1, 1, 1, 3, 3, 3, 3],
        [3, 2, 5, 5, 1, 1, 1, 1, 4, 4, 4, 4],     // window wider than the image
        [22, 22, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2],   // FastestDet's late layers: narrow rows, flat path
        [22, 22, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2],
        [23, 19, 5, 3, 2, 1, 1, 2, 2, 1, 1, 3],   // unequal strides and dilations, flat phases
        [29, 31, 3, 3, 4, 4, 1, 1, 1, 1, 1, 1],   // stride 4: sixteen phase planes
        [10, 10, 3, 3, 3, 2, 2, 1, 2, 0, 1, 2],
    ];

    private static Window2D Geometry(int[] g) =>
        Window2D.Create(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]);

    [Fact]
    public void ConvReferenceMatchesHandComputedExample()
    {
        // x = 1..9 (3×3), w = [[1, 2], [3, 4]], pads 1, stride 2, bias 0.5: windows centred at the corners.
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        float[] w = [1, 2, 3, 4];
        var y = new float[4];
        ConvReference.Conv(x, [1, 1, 3, 3], w, [1, 1, 2, 2], [0.5f], 1, [2, 2], [1, 1], [1, 1, 1, 1], y);
        // (0,0): only x[0,0]·w[1,1] = 4; (0,1): x[0,1]·3 + x[0,2]·4 = 6 + 12; (1,0): x[1,0]·2 + x[2,0]·4 = 8 + 28;
        // (1,1): x[1,1]·1 + x[1,2]·2 + x[2,1]·3 + x[2,2]·4 = 5 + 12 + 24 + 36.
        Assert.Equal([4.5f, 18.5f, 36.5f, 77.5f], y);
        Assert.Equal([1, 1, 2, 2], ConvReference.OutputShape([1, 1, 3, 3], [1, 1, 2, 2], [2, 2], [1, 1], [1, 1, 1, 1]));
    }

    [Fact]
    public void ConvReferenceGroupsAndOneDimension()
    {
        // 1-D, 2 groups: each output channel sees only its group's input channel.
        float[] x = [1, 2, 3, /* c1 */ 10, 20, 30];
        float[] w = [1, 1, /* oc1 */ 1, -1];
        var y = new float[4];
        ConvReference.Conv(x, [1, 2, 3], w, [2, 1, 2], [], 2, [1], [1], [0, 0], y);
        Assert.Equal([3f, 5f, -10f, -10f], y);
    }

    /// <summary>Conv = for each group, PackA(weights) · Im2Col(image), compared with the reference.</summary>
    [Theory]
    [MemberData(nameof(SgemmVariants))]
    public void Im2ColPlusGemmMatchesConvReference(string name)
    {
        var v = TestData.Variant(name);
        if (!v.IsSupportedBy(CpuFeatures.Detect())) return;
        var gemm = (SgemmKernel)v.Kernel;
        int seed = 0;
        foreach (int[] g in Geometries)
            foreach (var (cin, cout, groups) in new[] { (3, 5, 1), (4, 6, 2) })
            {
                var win = Geometry(g);
                int cg = cin / groups, mg = cout / groups, k = cg * win.KernelSize, n = win.OutputSize;
                float[] x = TestData.Random(cin * win.InputSize, ++seed), w = TestData.Random(cout * k, ++seed), bias = TestData.Random(cout, ++seed);
                var want = new float[cout * n];
                ConvReference.Conv(x, [1, cin, win.InputHeight, win.InputWidth], w, [cout, cg, win.KernelHeight, win.KernelWidth], bias, groups,
                    [win.StrideHeight, win.StrideWidth], [win.DilationHeight, win.DilationWidth], [win.PadTop, win.PadLeft, win.PadBottom, win.PadRight], want, Activation.Relu);
                var got = new float[cout * n];
                int chunk = Math.Max(1, n / 3 + 1); // several column windows, the last one ragged
                var cols = new float[k * chunk];
                for (int grp = 0; grp < groups; grp++)
                {
                    var packed = gemm.PackA(false, mg, k, w.AsSpan(grp * mg * k, mg * k), k);
                    for (int start = 0; start < n; start += chunk)
                    {
                        int count = Math.Min(chunk, n - start);
                        Im2Col.Build(x.AsSpan(grp * cg * win.InputSize), cg, in win, start, count, cols, count);
                        gemm.Gemm(packed, false, count, 1f, cols, count, 0f, got.AsSpan(grp * mg * n + start), n,
                            new GemmEpilogue(GemmBiasKind.PerRow, bias.AsSpan(grp * mg, mg), Activation.Relu));
                    }
                }
                for (int i = 0; i < got.Length; i++)
                    Assert.True(Math.Abs(got[i] - want[i]) <= 1e-5f * (1 + k), $"{name} {win} [{i}]: {got[i]} vs {want[i]}");
            }
    }

    [Fact]
    public void Col2ImIsTheAdjointOfIm2Col()
    {
        // <Im2Col(x), c> = <x, Col2Im(c)> for all x, c: checks every tap's placement independently of Build.
        int seed = 100;
        foreach (int[] g in Geometries)
        {
            var win = Geometry(g);
            int ch = 2, rows = ch * win.KernelSize, n = win.OutputSize;
            float[] x = TestData.Random(ch * win.InputSize, ++seed), c = TestData.Random(rows * n, ++seed);
            var built = new float[rows * n];
            Im2Col.Build(x, ch, in win, 0, n, built, n);
            var image = new float[ch * win.InputSize];
            int half = n / 2;
            Col2Im.Accumulate(c, n, ch, in win, 0, half, image);                // two windows of columns
            Col2Im.Accumulate(c.AsSpan(half), n, ch, in win, half, n - half, image);
            double lhs = 0, rhs = 0;
            for (int i = 0; i < built.Length; i++) lhs += (double)built[i] * c[i];
            for (int i = 0; i < image.Length; i++) rhs += (double)image[i] * x[i];
            Assert.True(Math.Abs(lhs - rhs) <= 1e-4 * (1 + Math.Abs(lhs)), $"{win}: {lhs} vs {rhs}");
        }
    }

    [Fact]
    public void Im2ColPanelsHoldTheIm2ColMatrixPanelByPanel()
    {
        // Against the plain im2col matrix: every window of every geometry, panel widths 1, 7, 16 and 48,
        // the last panel's spare columns zero, nothing written past the panels.
        foreach (int[] g in Geometries)
        {
            var win = Geometry(g);
            int ch = 3, k = ch * win.KernelSize, n = win.OutputSize;
            var x = TestData.Random(ch * win.InputSize, n);
            var full = new float[k * n];
            Im2Col.Build(x, ch, in win, 0, n, full, n);
            foreach (int nr in new[] { 1, 7, 16, 48 })
                foreach (var (start, count) in new[] { (0, n), (n / 3, n - n / 3), (n / 2, Math.Min(5, n - n / 2)) })
                {
                    long floats = Mote.Kernels.NeuralNet.Im2ColPanels.Floats(k, count, nr);
                    using var panels = new GuardedBuffer((int)floats);
                    panels.Span.Fill(TestData.Sentinel);
                    Mote.Kernels.NeuralNet.Im2ColPanels.Build(x, ch, in win, start, count, panels.Span, nr);
                    for (int j = 0; j < (count + nr - 1) / nr * nr; j++)
                        for (int r = 0; r < k; r++)
                        {
                            float got = panels.Span[(j / nr) * k * nr + r * nr + j % nr];
                            float want = j < count ? full[r * n + start + j] : 0f;
                            Assert.True(got == want, $"{win} nr={nr} window [{start}, {start + count}) row {r} column {j}: {got} vs {want}");
                        }
                }
        }
    }

    [Fact]
    public void Im2ColZeroesPaddingAndCopiesInterior()
    {
        var win = Window2D.Create(2, 3, 2, 2, padTop: 1, padLeft: 1); // 2×3 outputs
        float[] x = [1, 2, 3, 4, 5, 6];
        var cols = new float[4 * 6];
        Im2Col.Build(x, 1, in win, 0, 6, cols, 6);
        // Tap (0,0) of output (oy, ox) reads x[oy−1, ox−1]; tap (0,1) reads x[oy−1, ox]; tap (1,1) reads x[oy, ox].
        Assert.Equal([0, 0, 0, 0, 1, 2], cols[..6]);
        Assert.Equal([0, 0, 0, 1, 2, 3], cols[6..12]);
        Assert.Equal([1, 2, 3, 4, 5, 6], cols[18..]);
    }

    [Theory]
    [MemberData(nameof(DepthwiseVariants))]
    public void DepthwiseMatchesReference(string name)
    {
        var v = TestData.Variant(name);
        if (!v.IsSupportedBy(CpuFeatures.Detect())) return;
        var kernel = (DepthwiseConv2DKernel)v.Kernel;
        int seed = 0;
        foreach (int[] g in Geometries)
            foreach (int multiplier in new[] { 1, 2 })
                foreach (var act in new[] { Activation.None, Activation.Clip(0f, 6f), Activation.HardSwish })
                {
                    var win = Geometry(g);
                    int ch = 3, oc = ch * multiplier;
                    bool withBias = seed % 2 == 0;
                    using var x = GuardedBuffer.From(TestData.Random(ch * win.InputSize, ++seed));
                    using var w = GuardedBuffer.From(TestData.Random(oc * win.KernelSize, ++seed));
                    using var bias = GuardedBuffer.From(withBias ? TestData.Random(oc, ++seed) : []);
                    float[] got = new float[oc * win.OutputSize + 16];
                    Array.Fill(got, TestData.Sentinel);
                    kernel.Compute(x.Span, ch, multiplier, in win, w.Span, bias.Span, act, got.AsSpan(0, oc * win.OutputSize));
                    // Independent reference: the general convolution with group = channels.
                    float[] want = new float[oc * win.OutputSize];
                    ConvReference.Conv(x.Span, [1, ch, win.InputHeight, win.InputWidth], w.Span, [oc, 1, win.KernelHeight, win.KernelWidth], bias.Span, ch,
                        [win.StrideHeight, win.StrideWidth], [win.DilationHeight, win.DilationWidth], [win.PadTop, win.PadLeft, win.PadBottom, win.PadRight], want, act);
                    for (int i = 0; i < want.Length; i++)
                        Assert.True(Math.Abs(got[i] - want[i]) <= 2e-5f * (1 + Math.Abs(want[i]) + win.KernelSize), $"{name} {win} m={multiplier} {act.Kind} [{i}]: {got[i]} vs {want[i]}");
                    Assert.All(got[want.Length..], s => Assert.Equal(TestData.Sentinel, s));
                }
    }

    [Theory]
    [MemberData(nameof(DepthwiseVariants))]
    public void DepthwiseThreadCountsAreBitIdentical(string name)
    {
        var v = TestData.Variant(name);
        if (!v.IsSupportedBy(CpuFeatures.Detect())) return;
        var kernel = (DepthwiseConv2DKernel)v.Kernel;
        // Enough work (channels · outputs · taps) for several tasks of KernelThreadPool.MinTaskWork.
        const int channels = 67;
        var win = Window2D.Create(99, 145, 3, 3, 2, 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        Assert.True((long)channels * win.OutputSize * win.KernelSize >= 3 * KernelThreadPool.MinTaskWork);
        float[] x = TestData.Random(channels * win.InputSize, 1), w = TestData.Random(channels * 9, 2), b = TestData.Random(channels, 3);
        float[] single = new float[channels * win.OutputSize];
        kernel.Compute(x, channels, 1, in win, w, b, Activation.Relu, single);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var pool = new KernelThreadPool(threads);
            float[] y = new float[single.Length];
            kernel.Compute(x, channels, 1, in win, w, b, Activation.Relu, y, pool);
            Assert.Equal(single, y);
        }
    }
}
