using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

/// <summary>GridSample and AffineGrid against references written from the ONNX operator descriptions.</summary>
public class GridSampleTests
{
    /// <summary>Mirror x into [lo, hi] in closed form: fold |x − lo| by the period 2·(hi − lo).</summary>
    private static double Mirror(double x, double lo, double hi)
    {
        double range = hi - lo;
        if (range <= 0)
            return lo;
        double m = Math.Abs(x - lo) % (2 * range);
        return lo + (m > range ? 2 * range - m : m);
    }

    /// <summary>
    /// One output value: every combination of per-dimension taps, weight = product of the 1-D weights, pixel
    /// read with the padding rule (zeros: 0 if any index is outside; border: clamped; reflection: mirrored).
    /// </summary>
    private static double Sample(float[] x, int offset, int[] sizes, float[] g, string mode, string padding, bool align)
    {
        int r = sizes.Length;
        var taps = new List<(int Index, double Weight)>[r];
        for (int d = 0; d < r; d++)
        {
            int size = sizes[d];
            float gn = g[r - 1 - d];
            // The coordinate as the spec computes it in the element type (f32 here).
            float c = align ? (gn + 1) / 2 * (size - 1) : ((gn + 1) * size - 1) / 2;
            double lo = align ? 0 : -0.5, hi = align ? size - 1 : size - 0.5;
            double xc = mode == "nearest" ? Math.Round(c, MidpointRounding.ToEven) : c;
            if (xc < lo || xc > hi)
                xc = padding == "border" ? Math.Clamp(xc, 0, size - 1) : padding == "reflection" ? Mirror(xc, lo, hi) : xc;
            var list = new List<(int, double)>();
            int Fetch(double i) => padding switch
            {
                "zeros" => i >= 0 && i < size ? (int)i : -1,
                "border" => (int)Math.Clamp(i, 0, size - 1),
                _ => Math.Clamp((int)Mirror(i, lo, hi), 0, size - 1),
            };
            double x0 = Math.Floor(xc), t = xc - x0;
            if (mode == "nearest")
                list.Add((Fetch(xc), 1));
            else if (mode == "linear")
            {
                list.Add((Fetch(x0), 1 - t));
                list.Add((Fetch(x0 + 1), t));
            }
            else
            {
                // Keys' kernel with a = −0.75 at distances 1 + t, t, 1 − t, 2 − t.
                static double K(double s)
                {
                    const double a = -0.75;
                    s = Math.Abs(s);
                    return s <= 1 ? ((a + 2) * s - (a + 3)) * s * s + 1 : s < 2 ? ((a * s - 5 * a) * s + 8 * a) * s - 4 * a : 0;
                }
                for (int k = -1; k <= 2; k++)
                    list.Add((Fetch(x0 + k), K(t - k)));
            }
            taps[d] = list;
        }
        double sum = 0;
        foreach (var combo in All(taps.Select(t => t.Count).ToArray()))
        {
            double w = 1;
            int at = 0;
            bool zero = false;
            for (int d = 0; d < r; d++)
            {
                var (i, wd) = taps[d][combo[d]];
                w *= wd;
                zero |= i < 0;
                at = at * sizes[d] + Math.Max(i, 0);
            }
            if (!zero)
                sum += w * x[offset + at];
        }
        return sum;
    }

    private static double[] Reference(float[] x, int[] xs, float[] grid, int[] gs, string mode, string padding, bool align)
    {
        int n = xs[0], c = xs[1], r = xs.Length - 2;
        int plane = (int)Count(xs[2..]), positions = (int)Count(gs[1..^1]);
        var y = new double[n * c * positions];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < positions; p++)
                    y[(b * c + ch) * positions + p] = Sample(x, (b * c + ch) * plane, xs[2..], grid.AsSpan((b * positions + p) * r, r).ToArray(), mode, padding, align);
        return y;
    }

    public static TheoryData<int[], int[], string, string, bool> Cases()
    {
        var d = new TheoryData<int[], int[], string, string, bool>();
        var shapes = new (int[] X, int[] Grid)[]
        {
            ([2, 3, 7], [2, 5, 1]),
            ([2, 3, 4, 5], [2, 3, 6, 2]),
            ([1, 2, 1, 6], [1, 4, 3, 2]),
            ([1, 2, 3, 4, 5], [1, 2, 3, 4, 3]),
        };
        foreach (var (xs, gs) in shapes)
            foreach (var mode in new[] { "linear", "nearest", "cubic" })
                foreach (var padding in new[] { "zeros", "border", "reflection" })
                    foreach (bool align in new[] { false, true })
                        d.Add(xs, gs, mode, padding, align);
        return d;
    }

    private static float[] Grid(int[] gs, int seed)
    {
        // Mostly inside [−1, 1], some far outside, and exact corners and centre.
        var g = ScalarReference.Floats((int)Count(gs), seed, -1.6f, 1.6f);
        float[] special = [-1f, 1f, 0f, -1f, 1f, 0.5f, -0.5f, 3.7f, -2.9f];
        for (int i = 0; i < g.Length; i += 3)
            g[i] = special[(i / 3) % special.Length];
        return g;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GridSampleMatchesTheReference(int[] xs, int[] gs, string mode, string padding, bool align)
    {
        var x = ScalarReference.Floats((int)Count(xs), xs.Sum(), -3, 3);
        var grid = Grid(gs, gs.Sum() + mode.Length);
        var y = OpRunner.RunBoth(OpType.GridSample, [Tensor.FromArray(x, xs), Tensor.FromArray(grid, gs)], 1,
            Attr("mode", mode), Attr("padding_mode", padding), Attr("align_corners", align ? 1L : 0))[0];
        Assert.Equal([xs[0], xs[1], .. gs[1..^1]], y.Shape.ToArray());
        ScalarReference.AssertClose(y.ToArray<float>(), Reference(x, xs, grid, gs, mode, padding, align), 1e-5, 1e-5, $"{mode}/{padding}/align={align}");
    }

    [Fact]
    public void OldModeNamesDoubleAndNaNCoordinates()
    {
        int[] xs = [1, 2, 3, 3], gs = [1, 2, 2, 2];
        var x = ScalarReference.Floats(18, 1);
        var grid = Grid(gs, 7);
        var bilinear = OpRunner.RunBoth(OpType.GridSample, [Tensor.FromArray(x, xs), Tensor.FromArray(grid, gs)], 1, Attr("mode", "bilinear"))[0];
        var linear = OpRunner.RunBoth(OpType.GridSample, [Tensor.FromArray(x, xs), Tensor.FromArray(grid, gs)], 1, Attr("mode", "linear"))[0];
        OpRunner.AssertSame(linear, bilinear);
        var bicubic = OpRunner.RunBoth(OpType.GridSample, [Tensor.FromArray(x, xs), Tensor.FromArray(grid, gs)], 1, Attr("mode", "bicubic"))[0];
        ScalarReference.AssertClose(bicubic.ToArray<float>(), Reference(x, xs, grid, gs, "cubic", "zeros", false), 1e-5, 1e-5);

        var xd = x.Select(v => (double)v).ToArray();
        var gd = grid.Select(v => (double)v).ToArray();
        var y64 = OpRunner.RunBoth(OpType.GridSample, [Tensor.FromArray(xd, xs), Tensor.FromArray(gd, gs)], 1, Attr("padding_mode", "border"))[0];
        Assert.Equal(DataType.Float64, y64.Type);
        ScalarReference.AssertClose(y64.ToArray<double>().Select(v => (float)v).ToArray(), Reference(x, xs, grid, gs, "linear", "border", false), 1e-5, 1e-5);

        grid[0] = float.NaN;
        var nan = OpRunner.RunBoth(OpType.GridSample, [Tensor.FromArray(x, xs), Tensor.FromArray(grid, gs)], 1, Attr("padding_mode", "border"))[0];
        Assert.True(float.IsNaN(nan.ToArray<float>()[0]) && float.IsNaN(nan.ToArray<float>()[4]));
        Assert.False(float.IsNaN(nan.ToArray<float>()[1]));
    }

    [Fact]
    public void GridSampleRejectsMismatchedShapes()
    {
        var x = Tensor.FromArray(new float[16], 1, 1, 4, 4);
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.GridSample, [x, Tensor.FromArray(new float[12], 1, 2, 2, 3)], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.GridSample, [x, Tensor.FromArray(new float[16], 2, 2, 2, 2)], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.GridSample, [x, Tensor.FromArray(new float[8], 1, 2, 2, 2)], 1, false, Attr("mode", "area")));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.GridSample, [Tensor.FromArray(new float[0], 1, 1, 0, 4), Tensor.FromArray(new float[8], 1, 2, 2, 2)], 1, false));
    }

    /// <summary>AffineGrid: θ times the homogeneous base grid, x along W, y along H, z along D.</summary>
    private static double[] AffineReference(float[] theta, int[] size, bool align)
    {
        int n = size[0], r = size.Length - 2;
        double Base(int i, int len) => align ? (len == 1 ? 0 : -1 + 2.0 * i / (len - 1)) : -1 + (2.0 * i + 1) / len;
        var spatial = size[2..];
        var y = new List<double>();
        for (int b = 0; b < n; b++)
            foreach (var p in All(spatial))
            {
                // p is (D,) H, W; the point is (x, y[, z], 1).
                var point = new double[r + 1];
                for (int d = 0; d < r; d++)
                    point[d] = Base(p[r - 1 - d], spatial[r - 1 - d]);
                point[r] = 1;
                for (int i = 0; i < r; i++)
                    y.Add(Enumerable.Range(0, r + 1).Sum(j => theta[(b * r + i) * (r + 1) + j] * point[j]));
            }
        return [.. y];
    }

    [Theory]
    [InlineData(new[] { 2, 3, 5, 6 }, false)]
    [InlineData(new[] { 2, 3, 5, 6 }, true)]
    [InlineData(new[] { 1, 1, 1, 4 }, true)]
    [InlineData(new[] { 2, 1, 3, 4, 5 }, false)]
    [InlineData(new[] { 1, 2, 2, 1, 3 }, true)]
    [InlineData(new[] { 3, 1, 0, 4 }, false)]
    public void AffineGridMatchesTheReference(int[] size, bool align)
    {
        int r = size.Length - 2;
        var theta = ScalarReference.Floats(size[0] * r * (r + 1), size.Sum(), -2, 2);
        var y = OpRunner.RunBoth(OpType.AffineGrid, [Tensor.FromArray(theta, size[0], r, r + 1), Ints(size.Select(v => (long)v).ToArray())], 1,
            Attr("align_corners", align ? 1L : 0))[0];
        Assert.Equal([size[0], .. size[2..], r], y.Shape.ToArray());
        ScalarReference.AssertClose(y.ToArray<float>(), AffineReference(theta, size, align), 1e-6, 1e-6);
    }

    [Fact]
    public void AffineGridFeedsGridSampleAsAnIdentity()
    {
        // θ = identity: sampling X through the grid of its own size returns X (both with and without align_corners).
        int[] xs = [2, 3, 4, 5];
        var x = ScalarReference.Floats((int)Count(xs), 5);
        float[] identity = [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0];
        foreach (long align in new[] { 0L, 1L })
        {
            var b = new ModelBuilder()
                .Input("x", DataType.Float32, xs.Select(v => (Dim)v).ToArray())
                .Constant("theta", identity, 2, 2, 3)
                .Constant("size", xs.Select(v => (long)v).ToArray(), 4)
                .Node(OpType.AffineGrid, ["theta", "size"], ["grid"], Attr("align_corners", align))
                .Node(OpType.GridSample, ["x", "grid"], ["y"], Attr("align_corners", align))
                .Output("y");
            using var session = b.Session();
            var y = session.Run([new NamedTensor("x", Tensor.FromArray(x, xs))])["y"];
            ScalarReference.AssertClose(y.ToArray<float>(), x.Select(v => (double)v).ToArray(), 1e-5, 1e-5, $"align {align}");
        }
    }
}
