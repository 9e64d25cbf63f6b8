using Mote.Kernels.Data;
using Xunit;

namespace Mote.Kernels.Tests.Data;

public class ResizeKernelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Upsample2xDuplicatesEveryElementForAllWidths(int es)
    {
        var rng = new Random(es);
        for (int w = 0; w <= 40; w++)
            foreach (int h in new[] { 1, 3 })
            {
                int planes = 2;
                var src = new byte[planes * h * w * es];
                rng.NextBytes(src);
                var dst = Enumerable.Repeat((byte)0xEE, planes * h * w * 4 * es + 8).ToArray();
                ResizeNearest.Upsample2x(src, dst.AsSpan(0, planes * h * w * 4 * es), planes, h, w, es);
                for (int p = 0; p < planes; p++)
                    for (int y = 0; y < 2 * h; y++)
                        for (int x = 0; x < 2 * w; x++)
                            for (int b = 0; b < es; b++)
                                Assert.Equal(src[((p * h + y / 2) * w + x / 2) * es + b], dst[((p * 2 * h + y) * 2 * w + x) * es + b]);
                Assert.All(dst[^8..], v => Assert.Equal(0xEE, v));
            }
    }

    [Fact]
    public void BilinearPlaneMatchesTheTapFormula()
    {
        var rng = new Random(9);
        foreach (var (h, w, oh, ow) in new[] { (1, 1, 3, 2), (5, 7, 10, 14), (8, 6, 3, 2), (4, 4, 9, 1) })
        {
            var src = Enumerable.Range(0, h * w).Select(_ => (float)rng.NextDouble()).ToArray();
            // Arbitrary (even non-monotonic) tables: the kernel must follow them exactly.
            var yi = Enumerable.Range(0, 2 * oh).Select(_ => rng.Next(h)).ToArray();
            var xi = Enumerable.Range(0, 2 * ow).Select(_ => rng.Next(w)).ToArray();
            var yw = Enumerable.Range(0, 2 * oh).Select(_ => (float)rng.NextDouble()).ToArray();
            var xw = Enumerable.Range(0, 2 * ow).Select(_ => (float)rng.NextDouble()).ToArray();
            var dst = new float[oh * ow];
            ResizeBilinearF32.Plane(src, h, w, dst, oh, ow, yi, yw, xi, xw, new float[2 * ow]);
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                {
                    float Row(int r) => src[r * w + xi[2 * x]] * xw[2 * x] + src[r * w + xi[2 * x + 1]] * xw[2 * x + 1];
                    float e = Row(yi[2 * y]) * yw[2 * y] + Row(yi[2 * y + 1]) * yw[2 * y + 1];
                    Assert.True(Math.Abs(e - dst[y * ow + x]) <= 1e-6f * (1 + Math.Abs(e)), $"({y},{x}) {dst[y * ow + x]} != {e}");
                }
        }
    }
}
