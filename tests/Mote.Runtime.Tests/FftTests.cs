using System.Numerics;
using Mote.Kernels.Signal;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>The FFT kernel against the defining O(n²) sum, evaluated in double with exact angles.</summary>
public class FftTests
{
    /// <summary>X[k] = Σ_j x[j]·e^(∓2πi·jk/n), the angle reduced mod n before scaling.</summary>
    internal static Complex[] NaiveDft(ReadOnlySpan<Complex> x, bool backward)
    {
        int n = x.Length;
        var y = new Complex[n];
        for (int k = 0; k < n; k++)
        {
            Complex s = 0;
            for (int j = 0; j < n; j++)
            {
                long e = (long)j * k % n;
                double a = 2 * Math.PI * e / n;
                s += x[j] * new Complex(Math.Cos(a), backward ? Math.Sin(a) : -Math.Sin(a));
            }
            y[k] = s;
        }
        return y;
    }

    private static Complex[] Signal(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => new Complex(rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1)).ToArray();
    }

    public static TheoryData<int> Lengths()
    {
        var d = new TheoryData<int>();
        foreach (int n in Enumerable.Range(1, 70).Concat([96, 97, 100, 127, 128, 129, 255, 256, 400, 1000, 1024, 1031]))
            d.Add(n);
        return d;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MatchesTheDefiningSumBothWays(int n)
    {
        var storage = new Complex[Fft.StorageLength(n)];
        var work = new Complex[Fft.WorkLength(n)];
        var fft = new Fft(n, storage);
        Assert.Equal(n, fft.Length);
        Assert.Equal((n & (n - 1)) == 0 ? FftKind.Radix2 : n <= Fft.DirectLimit ? FftKind.Direct : FftKind.Bluestein, fft.Kind);
        var x = Signal(n, n);
        double norm = Math.Sqrt(x.Sum(v => v.Magnitude * v.Magnitude));
        foreach (bool backward in new[] { false, true })
        {
            var line = (Complex[])x.Clone();
            if (backward)
                fft.Backward(line, work);
            else
                fft.Forward(line, work);
            var want = NaiveDft(x, backward);
            // Error bound: a few ulp of double times log n, relative to the signal's L2 norm.
            double tol = 1e-14 * norm * Math.Max(1, Math.Log2(n));
            for (int k = 0; k < n; k++)
                Assert.True((line[k] - want[k]).Magnitude <= tol, $"n={n} {(backward ? "backward" : "forward")} bin {k}: {line[k]} vs {want[k]}");
        }
    }

    [Fact]
    public void RoundTripRestoresTheSignalAndReusesItsStorage()
    {
        foreach (int n in new[] { 1, 2, 6, 64, 65, 300 })
        {
            var storage = new Complex[Fft.StorageLength(n)];
            var work = new Complex[Fft.WorkLength(n)];
            var fft = new Fft(n, storage);
            for (int seed = 0; seed < 3; seed++)
            {
                var x = Signal(n, seed);
                var line = (Complex[])x.Clone();
                fft.Forward(line, work);
                fft.Backward(line, work);
                for (int j = 0; j < n; j++)
                    Assert.True((line[j] / n - x[j]).Magnitude < 1e-13, $"n={n} sample {j}");
            }
        }
    }

    [Fact]
    public void RejectsShortStorageAndLines()
    {
        Assert.Throws<ArgumentException>(() => new Fft(100, new Complex[10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Fft(0, new Complex[4]));
        var storage = new Complex[Fft.StorageLength(12)];
        Assert.Throws<ArgumentException>(() => new Fft(12, storage).Forward(new Complex[11], new Complex[12]));
        Assert.Throws<ArgumentException>(() => new Fft(12, storage).Forward(new Complex[12], new Complex[3]));
    }
}
