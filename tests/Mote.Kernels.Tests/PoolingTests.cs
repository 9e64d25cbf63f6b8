using Mote.Kernels.Convolution;
using Mote.Kernels.Pooling;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Tests;

public class PoolingTests
{
    public static TheoryData<string> Variants => TestData.VariantNames(KernelFamily.Pool2D);

    private static Pool2DKernel? Kernel(string name)
    {
        var v = TestData.Variant(name);
        return v.IsSupportedBy(CpuFeatures.Detect()) ? (Pool2DKernel)v.Kernel : null;
    }

    [Fact]
    public void ReferenceMatchesHandComputedExamples()
    {
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        // 2×2 windows, stride 2, pad 1 on every side: windows see {1}, {2,3}, {4,7}, {5,6,8,9}.
        var win = Window2D.Create(3, 3, 2, 2, 2, 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        var y = new float[4];
        PoolReference.MaxPlane(x, in win, y);
        Assert.Equal([1f, 3f, 7f, 9f], y);
        PoolReference.AveragePlane(x, in win, false, y);
        Assert.Equal([1f, 2.5f, 5.5f, 7f], y);
        PoolReference.AveragePlane(x, in win, true, y);
        Assert.Equal([0.25f, 1.25f, 2.75f, 7f], y);
        // Ceil mode: 3×3 input, 2×2 window, stride 2, no pads → 2×2 outputs; the cut windows divide by what they cover.
        var ceil = Window2D.Create(3, 3, 2, 2, 2, 2, ceilMode: true);
        Assert.Equal(2, ceil.OutputHeight);
        PoolReference.AveragePlane(x, in ceil, true, y);
        Assert.Equal([3f, 4.5f, 7.5f, 9f], y);
        Assert.Equal(9f, PoolReference.GlobalMax(x));
        Assert.Equal(5f, PoolReference.GlobalAverage(x));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void WindowedPoolingMatchesReference(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        int seed = 0;
        var geometries = ConvolutionTests.Geometries.Select(g => Window2D.Create(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]))
            .Concat([Window2D.Create(55, 55, 3, 3, 2, 2, ceilMode: true), Window2D.Create(10, 21, 2, 2, 2, 2, padBottom: 1, padRight: 1, ceilMode: true),
                     Window2D.Create(112, 112, 3, 3, 2, 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)]);
        foreach (var win in geometries)
        {
            int ch = 3;
            float[] data = TestData.Random(ch * win.InputSize, ++seed);
            if (data.Length > 5) data[5] = float.NaN; // NaN must propagate through max and average alike
            // Neighbouring zeros of both signs in a negative stretch: the max of {−0, +0} is +0 whatever the order.
            for (int i = 7; i + 3 < data.Length; i += 61) (data[i], data[i + 1], data[i + 2], data[i + 3]) = (-1f, -0f, 0f, -0f);
            using var x = GuardedBuffer.From(data);
            foreach (int mode in new[] { 0, 1, 2 })
            {
                float[] got = new float[ch * win.OutputSize + 8];
                Array.Fill(got, TestData.Sentinel);
                var y = got.AsSpan(0, ch * win.OutputSize);
                if (mode == 0) kernel.MaxPool(x.Span, ch, in win, y);
                else kernel.AveragePool(x.Span, ch, in win, mode == 2, y);
                for (int c = 0; c < ch; c++)
                {
                    var want = new float[win.OutputSize];
                    var plane = x.Span.Slice(c * win.InputSize, win.InputSize);
                    if (mode == 0) PoolReference.MaxPlane(plane, in win, want);
                    else PoolReference.AveragePlane(plane, in win, mode == 2, want);
                    for (int i = 0; i < want.Length; i++)
                    {
                        float g = got[c * win.OutputSize + i];
                        // Max is exact: bit for bit (the sign of a zero included); averages within rounding.
                        bool ok = float.IsNaN(want[i]) ? float.IsNaN(g)
                            : mode == 0 ? BitConverter.SingleToInt32Bits(g) == BitConverter.SingleToInt32Bits(want[i])
                            : Math.Abs(g - want[i]) <= 1e-6f * (1 + Math.Abs(want[i]));
                        Assert.True(ok, $"{name} mode {mode} {win} c={c} [{i}]: {g} vs {want[i]}");
                    }
                }
                Assert.All(got[(ch * win.OutputSize)..], s => Assert.Equal(TestData.Sentinel, s));
            }
        }
    }

    [Fact]
    public void EightBitMaxPoolingMatchesReference()
    {
        int seed = 0;
        var geometries = ConvolutionTests.Geometries.Select(g => Window2D.Create(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]))
            .Concat([Window2D.Create(55, 55, 3, 3, 2, 2, ceilMode: true), Window2D.Create(10, 21, 2, 2, 2, 2, padBottom: 1, padRight: 1, ceilMode: true),
                     Window2D.Create(111, 111, 3, 3, 2, 2, ceilMode: true), Window2D.Create(1, 1, 1, 1), Window2D.Create(37, 67, 2, 3, 1, 2, 2, 1, 1, 0)]);
        foreach (var win in geometries)
        {
            const int ch = 3;
            var rng = new Random(++seed);
            var bytes = new byte[ch * win.InputSize];
            rng.NextBytes(bytes);
            var signed = bytes.Select(b => (sbyte)b).ToArray();
            var gotU = new byte[ch * win.OutputSize];
            var gotS = new sbyte[ch * win.OutputSize];
            MaxPool8Bit.Run<byte>(bytes, ch, in win, gotU);
            MaxPool8Bit.Run<sbyte>(signed, ch, in win, gotS);
            for (int c = 0; c < ch; c++)
                foreach (var (values, got, min) in new[] { (bytes.Select(b => (float)b).ToArray(), gotU.Select(b => (float)b).ToArray(), 0f),
                             (signed.Select(b => (float)b).ToArray(), gotS.Select(b => (float)b).ToArray(), -128f) })
                {
                    var want = new float[win.OutputSize];
                    PoolReference.MaxPlane(values.AsSpan(c * win.InputSize, win.InputSize), in win, want);
                    for (int i = 0; i < want.Length; i++)
                    {
                        // A window wholly in the padding gives the type's minimum (the N-D reference's choice).
                        float expected = float.IsNegativeInfinity(want[i]) ? min : want[i];
                        Assert.True(expected == got[c * win.OutputSize + i], $"{win} min {min} c={c} [{i}]: {got[c * win.OutputSize + i]} vs {expected}");
                    }
                }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void GlobalPoolingMatchesReference(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        foreach (int spatial in new[] { 0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 49, 169, 3025 })
        {
            int ch = 5;
            using var x = GuardedBuffer.From(TestData.Random(ch * spatial, spatial, -3f, 5f));
            var max = new float[ch];
            var avg = new float[ch];
            kernel.GlobalMaxPool(x.Span, ch, spatial, max);
            kernel.GlobalAveragePool(x.Span, ch, spatial, avg);
            for (int c = 0; c < ch; c++)
            {
                var plane = x.Span.Slice(c * spatial, spatial);
                Assert.Equal(PoolReference.GlobalMax(plane), max[c]);
                double sumAbs = 0;
                foreach (float v in plane) sumAbs += Math.Abs(v);
                Assert.True(Math.Abs(avg[c] - PoolReference.GlobalAverage(plane)) <= 1e-6 * (1 + sumAbs / Math.Max(spatial, 1)) * 4, $"{name} n={spatial}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void ThreadCountsAreBitIdentical(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        // Enough work (channels · outputs · taps) for several tasks of KernelThreadPool.MinTaskWork.
        const int channels = 61;
        var win = Window2D.Create(99, 141, 3, 3, 2, 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        Assert.True((long)channels * win.OutputSize * win.KernelSize >= 3 * KernelThreadPool.MinTaskWork);
        float[] x = TestData.Random(channels * win.InputSize, 4);
        float[] single = new float[channels * win.OutputSize];
        kernel.AveragePool(x, channels, in win, false, single);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var pool = new KernelThreadPool(threads);
            float[] y = new float[single.Length];
            kernel.AveragePool(x, channels, in win, false, y, pool);
            Assert.Equal(single, y);
        }
    }
}
