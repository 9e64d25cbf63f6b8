using Mote.Kernels.Convolution;
using Mote.Kernels.NeuralNet;
using Mote.Kernels.Pooling;

namespace Mote.Kernels.Tests;

/// <summary>
/// The helpers the neural-network operators add (Im2ColRows, Im2ColNd, Col2ImNd,
/// PoolNdReference) against the 2-D kernels they generalise, on guarded memory.
/// </summary>
public class NeuralNetKernelTests
{
    private static Window2D Geometry(int[] g) =>
        Window2D.Create(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]);

    private static WindowNd Nd(in Window2D w, Span<int> s)
    {
        int[] v = [w.InputHeight, w.InputWidth, w.OutputHeight, w.OutputWidth, w.KernelHeight, w.KernelWidth, w.StrideHeight, w.StrideWidth,
            w.DilationHeight, w.DilationWidth, w.PadTop, w.PadLeft, w.PadBottom, w.PadRight];
        v.CopyTo(s);
        return new WindowNd(s[..2], s.Slice(2, 2), s.Slice(4, 2), s.Slice(6, 2), s.Slice(8, 2), s.Slice(10, 2), s.Slice(12, 2));
    }

    private static float[] Values(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    public static TheoryData<int> GeometryIndices() => new(Enumerable.Range(0, ConvolutionTests.Geometries.Length));

    [Theory]
    [MemberData(nameof(GeometryIndices))]
    public void Im2ColNdMatchesIm2ColOnEveryWindow(int index)
    {
        var w = Geometry(ConvolutionTests.Geometries[index]);
        const int channels = 3;
        using var image = GuardedBuffer.From(Values(channels * w.InputSize, index));
        int rows = channels * w.KernelSize;
        Span<int> s = stackalloc int[14];
        var nd = Nd(in w, s);
        foreach (var (start, count) in Windows(w.OutputSize))
        {
            var expected = new float[rows * count];
            Im2Col.Build(image.Span, channels, in w, start, count, expected, count);
            using var actual = new GuardedBuffer(rows * count);
            actual.Span.Fill(float.NaN);
            Im2ColNd.Build(image.Span, channels, nd, start, count, actual.Span, count);
            Assert.Equal(expected, actual.Span.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(GeometryIndices))]
    public void Im2ColRowsMatchesIm2Col(int index)
    {
        // Each geometry as listed, and with horizontal stride 2 (the vector gather).
        foreach (int sw in new[] { ConvolutionTests.Geometries[index][5], 2 })
        {
            var g = (int[])ConvolutionTests.Geometries[index].Clone();
            g[5] = sw;
            var w = Geometry(g);
            const int channels = 2;
            using var image = GuardedBuffer.From(Values(channels * w.InputSize, index + 100));
            int rows = channels * w.KernelSize;
            foreach (var (start, count) in Windows(w.OutputSize))
            {
                var expected = new float[rows * count];
                Im2Col.Build(image.Span, channels, in w, start, count, expected, count);
                using var actual = new GuardedBuffer(rows * count);
                actual.Span.Fill(float.NaN);
                Im2ColRows.Build(image.Span, channels, in w, start, count, actual.Span, count);
                Assert.Equal(expected, actual.Span.ToArray());
            }
        }
    }

    [Fact]
    public unsafe void GatherEvenReadsNothingPastTheLastElementItKeeps()
    {
        for (int n = 0; n <= 70; n++)
        {
            // Exactly 2n − 1 floats before the guard page: the last one read must be src[2n − 2].
            using var src = GuardedBuffer.From(Values(Math.Max(0, 2 * n - 1), n));
            var dst = new float[n];
            fixed (float* d = dst)
                Im2ColRows.GatherEven(src.Pointer, d, n);
            for (int i = 0; i < n; i++)
                Assert.Equal(src.Span[2 * i], dst[i]);
        }
    }

    [Theory]
    [MemberData(nameof(GeometryIndices))]
    public void Col2ImNdMatchesCol2Im(int index)
    {
        var w = Geometry(ConvolutionTests.Geometries[index]);
        const int channels = 2;
        int rows = channels * w.KernelSize;
        Span<int> s = stackalloc int[14];
        var nd = Nd(in w, s);
        var expected = Values(channels * w.InputSize, 7);
        var actual = (float[])expected.Clone();
        foreach (var (start, count) in Windows(w.OutputSize))
        {
            using var cols = GuardedBuffer.From(Values(rows * count, start + 1));
            Col2Im.Accumulate(cols.Span, count, channels, in w, start, count, expected);
            Col2ImNd.Accumulate(cols.Span, count, channels, nd, start, count, actual);
        }
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(1, 1, 1, 1, 1, 1)]
    [InlineData(4, 5, 2, 2, 0, 0)]
    [InlineData(7, 13, 2, 2, 1, 1)]   // output padding: one extra row and column that no window covers
    [InlineData(3, 37, 2, 2, 0, 0)]
    [InlineData(5, 6, 3, 3, 0, 2)]
    [InlineData(4, 9, 1, 4, 0, 0)]
    public void Col2ImTiledMatchesCol2Im(int h, int w, int k0, int k1, int extraRows, int extraColumns)
    {
        // The forward window of a ConvTranspose with kernel = stride: its input is the (h·k0 + extra) × (w·k1 + extra) output.
        var win = new Window2D
        {
            InputHeight = h * k0 + extraRows, InputWidth = w * k1 + extraColumns, OutputHeight = h, OutputWidth = w,
            KernelHeight = k0, KernelWidth = k1, StrideHeight = k0, StrideWidth = k1, DilationHeight = 1, DilationWidth = 1,
        };
        Assert.True(Col2ImTiled.Fits(in win));
        const int channels = 3;
        int rows = channels * win.KernelSize;
        var expected = Values(channels * win.InputSize, 5);
        var actual = (float[])expected.Clone();
        foreach (var (start, count) in Windows(win.OutputSize))
        {
            using var cols = GuardedBuffer.From(Values(rows * count, start + 3));
            Col2Im.Accumulate(cols.Span, count, channels, in win, start, count, expected);
            Col2ImTiled.Accumulate(cols.Span, count, channels, in win, start, count, actual);
        }
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(GeometryIndices))]
    public void PoolNdReferenceMatchesThe2DReference(int index)
    {
        var w = Geometry(ConvolutionTests.Geometries[index]);
        Span<int> s = stackalloc int[14];
        var nd = Nd(in w, s);
        const int planes = 2;
        var x = Values(planes * w.InputSize, index);
        var expected = new float[planes * w.OutputSize];
        var actual = new float[planes * w.OutputSize];
        for (int p = 0; p < planes; p++)
            PoolReference.MaxPlane(x.AsSpan(p * w.InputSize, w.InputSize), in w, expected.AsSpan(p * w.OutputSize, w.OutputSize));
        PoolNdReference.Max<float>(x, planes, nd, actual, default, false);
        Assert.Equal(expected, actual);
        foreach (bool include in new[] { false, true })
        {
            for (int p = 0; p < planes; p++)
                PoolReference.AveragePlane(x.AsSpan(p * w.InputSize, w.InputSize), in w, include, expected.AsSpan(p * w.OutputSize, w.OutputSize));
            PoolNdReference.Average<float>(x, planes, nd, include, actual);
            Assert.Equal(expected, actual);
        }
    }

    // Column windows: everything at once, and odd-sized windows that start mid-row.
    private static IEnumerable<(int Start, int Count)> Windows(int total)
    {
        yield return (0, total);
        int step = Math.Max(1, total / 3 + 1);
        for (int start = 0; start < total; start += step)
            yield return (start, Math.Min(step, total - start));
    }
}
