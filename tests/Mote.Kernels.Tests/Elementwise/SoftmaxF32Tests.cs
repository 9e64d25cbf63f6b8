using Mote.Kernels.Elementwise;
using Xunit;

namespace Mote.Kernels.Tests.Elementwise;

/// <summary>Softmax rows and their building blocks at every width and length 0..257 against double references.</summary>
public class SoftmaxF32Tests
{
    [Fact]
    public void RowsOfEveryLengthAtEveryWidth()
    {
        foreach (var w in SimdWidths.Available)
            for (int n = 0; n <= 257; n++)
            {
                using var xb = new GuardedBuffer(n);
                using var yb = new GuardedBuffer(n);
                var x = UnaryF32Tests.Inputs(n, n + 1).Select(v => float.IsFinite(v) && Math.Abs(v) < 1e3 ? v * 3 : 1f).ToArray();
                x.CopyTo(xb.Span);
                if (n > 0)
                    Assert.Equal(x.Max(), MaxF32.Max(xb.Span, w));
                SoftmaxF32.Softmax(xb.Span, yb.Span, w);
                var (soft, log) = Reference(x);
                for (int i = 0; i < n; i++)
                    Assert.True(Math.Abs(yb.Span[i] - soft[i]) <= 1e-6 * soft[i] + 1e-9, $"softmax {w} n={n} i={i}: {yb.Span[i]} vs {soft[i]}");
                SoftmaxF32.LogSoftmax(xb.Span, yb.Span, w);
                for (int i = 0; i < n; i++)
                    Assert.True(Math.Abs(yb.Span[i] - log[i]) <= 1e-6 * Math.Abs(log[i]) + 3e-7, $"log-softmax {w} n={n} i={i}: {yb.Span[i]} vs {log[i]}");
            }
    }

    [Fact]
    public void ExpShiftSumCountsTheOverlappedTailOnce()
    {
        foreach (var w in SimdWidths.Available)
            foreach (int n in new[] { 1, 3, 4, 5, 15, 16, 17, 31, 33, 100 })
            {
                var x = Enumerable.Repeat(0f, n).ToArray();
                var y = new float[n];
                Assert.Equal(n, SoftmaxF32.ExpShiftSum(x, 0, y, w));
                Assert.All(y, v => Assert.Equal(1f, v));
            }
    }

    [Fact]
    public void ExpShiftSumFlushesOnlyBelowTheBoundAndKeepsNaN()
    {
        // Masked attention keys (−1e4, −∞, float.MinValue) give exact zeros; values just above the bound keep
        // their tiny exponential; NaN propagates.
        float[] x = [0f, -1e4f, float.NegativeInfinity, float.MinValue, -100f, -87f, SoftmaxF32.FlushBelow + 0.5f, -2f, float.NaN, -3f, 1f, -1e4f, -50f, -0.5f, -9f, -1e30f, 0.25f];
        foreach (var w in SimdWidths.Available)
        {
            if (w == Mote.Kernels.Elementwise.SimdWidth.Scalar)
                continue;
            var y = new float[x.Length];
            float sum = SoftmaxF32.ExpShiftSum(x, 0f, y, w);
            Assert.True(float.IsNaN(sum), $"{w}: NaN must reach the sum");
            for (int i = 0; i < x.Length; i++)
            {
                if (float.IsNaN(x[i])) Assert.True(float.IsNaN(y[i]), $"{w} [{i}]");
                else if (x[i] < SoftmaxF32.FlushBelow) Assert.Equal(0f, y[i]);
                else Assert.True(Math.Abs(y[i] - Math.Exp(x[i])) <= 2e-6 * Math.Exp(x[i]), $"{w} [{i}]: {y[i]} vs {Math.Exp(x[i])}");
            }
        }
    }

    [Fact]
    public void StridedMatchesRowwise()
    {
        int n = 7, inner = 19;
        var x = UnaryF32Tests.Inputs(n * inner, 5).Select(v => float.IsFinite(v) && Math.Abs(v) < 1e3 ? v : 0.5f).ToArray();
        foreach (var w in SimdWidths.Available)
            foreach (bool log in new[] { false, true })
            {
                var y = new float[n * inner];
                SoftmaxF32.SoftmaxStrided(x, y, n, inner, new float[2 * inner], log, w);
                for (int i = 0; i < inner; i++)
                {
                    var col = Enumerable.Range(0, n).Select(k => x[k * inner + i]).ToArray();
                    var (soft, lg) = Reference(col);
                    for (int k = 0; k < n; k++)
                    {
                        double want = log ? lg[k] : soft[k];
                        Assert.True(Math.Abs(y[k * inner + i] - want) <= 1e-6 * Math.Abs(want) + 3e-7, $"strided {w} log={log}");
                    }
                }
            }
    }

    private static (double[] Soft, double[] Log) Reference(float[] x)
    {
        if (x.Length == 0)
            return ([], []);
        double max = x.Max(v => (double)v);
        double sum = x.Sum(v => Math.Exp(v - max));
        return (x.Select(v => Math.Exp(v - max) / sum).ToArray(), x.Select(v => v - max - Math.Log(sum)).ToArray());
    }
}

/// <summary>The 4-byte select against its reference: every length 0..100, vector/broadcast operands, any nonzero byte is true.</summary>
public class Select32Tests
{
    [Fact]
    public void MatchesTheReference()
    {
        var rng = new Random(3);
        foreach (var w in SimdWidths.Available)
            for (int n = 0; n <= 100; n++)
                foreach (var (av, bv) in new[] { (true, true), (true, false), (false, true), (false, false) })
                {
                    var c = Enumerable.Range(0, n).Select(_ => (byte)(rng.Next(3) == 0 ? 0 : rng.Next(1, 256))).ToArray();
                    var a = Enumerable.Range(0, av ? n : 1).Select(_ => (uint)rng.Next()).ToArray();
                    var b = Enumerable.Range(0, bv ? n : 1).Select(_ => (uint)rng.Next()).ToArray();
                    if (n == 0 && (a.Length != 1 || b.Length != 1))
                        continue;
                    var got = new uint[n];
                    var want = new uint[n];
                    Select32.Apply(c, a, b, got, w);
                    for (int i = 0; i < n; i++)
                        want[i] = c[i] != 0 ? a[av ? i : 0] : b[bv ? i : 0];
                    Assert.Equal(want, got);
                }
    }
}
