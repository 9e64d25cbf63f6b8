using System.Numerics.Tensors;
using Mote.Kernels.Elementwise;
using Xunit;

namespace Mote.Kernels.Tests.Elementwise;

/// <summary>
/// Accuracy of the transcendental kernels over dense sweeps, against double-precision references
/// rounded to float (erf: against mpmath values). The asserted bounds are the figures we state.
/// </summary>
public class AccuracyTests(ITestOutputHelper output)
{
    private static readonly SimdWidth Best = SimdWidths.Available[^1];

    [Fact]
    public void ExpIsWithinTwoUlpAndHandlesTheRangeEnds()
    {
        var x = Sweep(-87.33f, 88.72f, 1 << 21);
        var y = Apply(new ExpFn(), x);
        long max = MaxUlps(x, y, v => (float)Math.Exp(v));
        output.WriteLine($"exp: max {max} ulp over [-87.33, 88.72] ({Best})");
        Assert.True(max <= 2, $"exp max error {max} ulp");

        var sub = Sweep(-103.9f, -87.34f, 1 << 16);
        long maxSub = MaxUlps(sub, Apply(new ExpFn(), sub), v => (float)Math.Exp(v));
        output.WriteLine($"exp: max {maxSub} ulp on denormal results");
        Assert.True(maxSub <= 1);

        var payloadNaN = BitConverter.Int32BitsToSingle(0x7FC001FF);
        var edge = Apply(new ExpFn(), [88.73f, 89f, float.PositiveInfinity, -104f, -200f, float.NegativeInfinity, float.NaN, 0f, -0f, 88.72f, 1e-30f, -1e-30f, 0.5f, payloadNaN, -payloadNaN, 3, 4, 5, 6, 7, 8]);
        Assert.True(float.IsNaN(edge[13]) && float.IsNaN(edge[14]));
        Assert.Equal(float.PositiveInfinity, edge[0]);
        Assert.Equal(float.PositiveInfinity, edge[1]);
        Assert.Equal(float.PositiveInfinity, edge[2]);
        Assert.Equal(0f, edge[3]);
        Assert.Equal(0f, edge[4]);
        Assert.Equal(0f, edge[5]);
        Assert.True(float.IsNaN(edge[6]));
        Assert.Equal(1f, edge[7]);
        Assert.Equal(1f, edge[8]);
        Assert.True(float.IsFinite(edge[9]));
        Assert.Equal(1f, edge[10]);
        Assert.Equal(1f, edge[11]);
    }

    [Fact]
    public void PortableAndScaleFormsOfExpAgree()
    {
        // ExpF32.Exp picks VSCALEFPS on AVX-512 machines; the portable form (exponent-field add with a
        // two-factor fallback) runs elsewhere. Both are checked here, lane by lane, over the whole range.
        var x = Sweep(-110f, 95f, 1 << 18);
        long maxPortable = 0, maxScale = 0;
        for (int i = 0; i + 8 <= x.Length; i += 8)
        {
            var v = System.Runtime.Intrinsics.Vector256.Create(x, i);
            var p = ExpF32.ExpPortable(v);
            var s = ExpF32.HasScale ? ExpF32.ExpScale(v) : p;
            for (int k = 0; k < 8; k++)
            {
                float want = (float)Math.Exp(x[i + k]);
                maxPortable = Math.Max(maxPortable, FloatCompare.Ulps(p[k], want));
                maxScale = Math.Max(maxScale, FloatCompare.Ulps(s[k], want));
                Assert.Equal(float.IsNaN(p[k]), float.IsNaN(s[k]));
            }
        }
        output.WriteLine($"exp portable: {maxPortable} ulp, scale: {maxScale} ulp over [-110, 95] (scale available: {ExpF32.HasScale})");
        Assert.True(maxPortable <= 2 && maxScale <= 2);
        var edge = System.Runtime.Intrinsics.Vector128.Create(float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7FC001FF));
        var pe = ExpF32.ExpPortable(edge);
        Assert.True(float.IsNaN(pe[0]) && pe[1] == float.PositiveInfinity && pe[2] == 0 && float.IsNaN(pe[3]));
    }

    [Fact]
    public void DoubleErfMatchesMpmath()
    {
        long max = 0;
        foreach (var (x, e) in ErfTable.Values)
        {
            if (FloatCompare.Ulps(ErfF64.Erf(x), e) > max)
                output.WriteLine($"  x = {x:R}: {ErfF64.Erf(x):R} vs {e:R}");
            max = Math.Max(max, FloatCompare.Ulps(ErfF64.Erf(x), e));
            Assert.Equal(-ErfF64.Erf(x), ErfF64.Erf(-x));
        }
        output.WriteLine($"erf f64: max {max} ulp against mpmath");
        Assert.True(max <= 4, $"double erf off by {max} ulp");
    }

    [Fact]
    public void FloatErfIsWithinSixUlp()
    {
        var tx = ErfTable.Values.Select(v => (float)v.X).ToArray();
        var ty = Apply(new ErfFn(), tx);
        long maxTable = 0;
        for (int i = 0; i < tx.Length; i++)
            maxTable = Math.Max(maxTable, FloatCompare.Ulps(ty[i], (float)ErfTable.Values[i].Erf));

        var x = Sweep(-5f, 5f, 1 << 21);
        long max = MaxUlps(x, Apply(new ErfFn(), x), v => (float)ErfF64.Erf(v));
        var tiny = Sweep(1e-38f, 1e-3f, 1 << 16);
        long maxTiny = MaxUlps(tiny, Apply(new ErfFn(), tiny), v => (float)ErfF64.Erf(v));
        output.WriteLine($"erf f32: max {maxTable} ulp against mpmath table, {max} ulp over [-5, 5], {maxTiny} ulp over [1e-38, 1e-3] ({Best})");
        Assert.True(maxTable <= FmaSlack.Ulps(4, 8) && max <= FmaSlack.Ulps(6, 10) && maxTiny <= 4);

        var edge = Apply(new ErfFn(), [float.PositiveInfinity, float.NegativeInfinity, float.NaN, 0f, -0f, 10f, -10f, 1e-45f]);
        Assert.Equal([1f, -1f], edge[..2]);
        Assert.True(float.IsNaN(edge[2]));
        Assert.True(edge[3] == 0 && !float.IsNegative(edge[3]) && edge[4] == 0 && float.IsNegative(edge[4]));
        Assert.Equal([1f, -1f], edge[5..7]);
    }

    [Fact]
    public void TanhIsAccurateAlsoNearZero()
    {
        var x = Sweep(-10f, 10f, 1 << 21);
        long max = MaxUlps(x, Apply(new TanhFn(), x), v => (float)Math.Tanh(v));
        var tiny = Sweep(1e-38f, 1e-2f, 1 << 16);
        long maxTiny = MaxUlps(tiny, Apply(new TanhFn(), tiny), v => (float)Math.Tanh(v));
        output.WriteLine($"tanh: max {max} ulp over [-10, 10], {maxTiny} ulp over [1e-38, 1e-2] ({Best})");
        Assert.True(max <= FmaSlack.Ulps(5, 8) && maxTiny <= FmaSlack.Ulps(3, 4));
        var edge = Apply(new TanhFn(), [float.PositiveInfinity, float.NegativeInfinity, float.NaN, -0f, 20f, -20f]);
        Assert.Equal([1f, -1f], edge[..2]);
        Assert.True(float.IsNaN(edge[2]) && float.IsNegative(edge[3]) && edge[3] == 0);
        Assert.Equal([1f, -1f], edge[4..6]);
    }

    [Fact]
    public void SigmoidAndSwishAccuracy()
    {
        var x = Sweep(-87f, 87f, 1 << 20);
        long sig = MaxUlps(x, Apply(new SigmoidFn(), x), v => (float)(1 / (1 + Math.Exp(-v))));
        long swish = MaxUlps(x, Apply(new SwishFn(1f), x), v => (float)(v / (1 + Math.Exp(-v))));
        output.WriteLine($"sigmoid: max {sig} ulp, swish: max {swish} ulp over [-87, 87]");
        Assert.True(sig <= 3 && swish <= 3);
        var far = Apply(new SigmoidFn(), [-100f, -1000f, float.NegativeInfinity, 100f, float.PositiveInfinity, float.NaN]);
        Assert.Equal([0f, 0f, 0f, 1f, 1f], far[..5]);
        Assert.True(float.IsNaN(far[5]));
    }

    [Fact]
    public void GeluAccuracy()
    {
        var x = Sweep(-10f, 10f, 1 << 20);
        var y = Apply(new GeluFn(), x);
        double maxAbs = 0;
        long maxUlpPositive = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double r = 0.5 * x[i] * (1 + ErfF64.Erf(x[i] / Math.Sqrt(2)));
            // Relative to max(1, |x|): where erf is near −1 the sum 1 + erf cancels (as in any erf-based Gelu).
            maxAbs = Math.Max(maxAbs, Math.Abs(y[i] - r) / Math.Max(1, Math.Abs(x[i])));
            if (x[i] > -0.5f)
                maxUlpPositive = Math.Max(maxUlpPositive, FloatCompare.Ulps(y[i], (float)r));
        }
        // The tanh form computed as x·sigmoid(2u) in double: 1 + tanh(u) would cancel for negative x.
        // Below x ≈ −5 the result is tiny (< 1e-10) and its relative error grows with the rounding
        // of the exponent's argument (up to 2u·2^-23), so ulps are counted where |y| > 1e-6.
        var yt = Apply(new GeluTanhFn(), x);
        long maxTanh = 0;
        double maxTanhAbs = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i], r = v / (1 + Math.Exp(-2 * Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            maxTanhAbs = Math.Max(maxTanhAbs, Math.Abs(yt[i] - r));
            if (Math.Abs(r) > 1e-6)
                maxTanh = Math.Max(maxTanh, FloatCompare.Ulps(yt[i], (float)r));
        }
        output.WriteLine($"gelu(erf): max error {maxAbs:E2}·max(1,|x|) over [-10, 10], max {maxUlpPositive} ulp for x > -0.5; gelu(tanh): max {maxTanh} ulp where |y| > 1e-6, max abs error {maxTanhAbs:E2}");
        Assert.True(maxAbs <= 3e-7 && maxUlpPositive <= 6 && maxTanh <= 32 && maxTanhAbs < 1e-6);
    }

    [Fact]
    public void OtherExponentialFunctionsAccuracy()
    {
        var x = Sweep(-30f, 30f, 1 << 19);
        long softplus = MaxUlps(x, Apply(new SoftplusFn(), x), v => new SoftplusFn().Invoke(v));
        long mish = MaxUlpsAbs(x, Apply(new MishFn(), x), v => new MishFn().Invoke(v), 1e-7);
        long elu = MaxUlpsAbs(x, Apply(new EluFn(1f), x), v => (float)(v < 0 ? Math.Exp(v) - 1 : v), 1e-7);
        output.WriteLine($"softplus: {softplus} ulp; mish: {mish} ulp (or 1e-7 abs); elu: {elu} ulp (or 1e-7 abs) over [-30, 30]");
        Assert.True(softplus <= 4 && mish <= 4 && elu <= 4);
    }

    /// <summary>
    /// The TensorPrimitives functions the operators call for f32; we state their accuracy too. (Its
    /// Tanh, Sinh, Asinh and friends lose relative accuracy near 0 — 3000+ ulp at 1e-4 — so the
    /// operators use TanhF32 and scalar double-rounded functions for those instead.)
    /// </summary>
    [Fact]
    public void TensorPrimitivesFunctionsWeUse()
    {
        var wide = Sweep(-20f, 20f, 1 << 18);
        var unit = Sweep(-0.999f, 0.999f, 1 << 18);
        var pos = Sweep(1e-6f, 1e6f, 1 << 18);
        var report = new List<string>();
        void Check(string name, float[] xs, Action<ReadOnlySpan<float>, Span<float>> f, Func<double, double> r, long bound)
        {
            var y = new float[xs.Length];
            f(xs, y);
            long m = MaxUlps(xs, y, v => (float)r(v));
            report.Add($"{name} {m}");
            Assert.True(m <= bound, $"{name}: {m} ulp");
        }
        Check("log", pos, TensorPrimitives.Log, Math.Log, 4);
        Check("sqrt", pos, TensorPrimitives.Sqrt, Math.Sqrt, 0);
        Check("sin", wide, TensorPrimitives.Sin, Math.Sin, 4);
        Check("cos", wide, TensorPrimitives.Cos, Math.Cos, 4);
        Check("tan", unit, TensorPrimitives.Tan, Math.Tan, 4);
        Check("asin", unit, TensorPrimitives.Asin, Math.Asin, 4);
        Check("acos", unit, TensorPrimitives.Acos, Math.Acos, 4);
        Check("atan", wide, TensorPrimitives.Atan, Math.Atan, 4);
        output.WriteLine("TensorPrimitives max ulp: " + string.Join(", ", report));
    }

    private static float[] Apply<TOp>(TOp op, float[] x) where TOp : struct, IUnaryOperatorF32
    {
        var y = new float[x.Length];
        UnaryF32.Apply(op, x, y, Best);
        return y;
    }

    private static float[] Sweep(float lo, float hi, int n)
    {
        var x = new float[n];
        bool log = lo > 0 && hi / lo > 1e3;
        for (int i = 0; i < n; i++)
            x[i] = log ? (float)(lo * Math.Pow(hi / lo, i / (double)(n - 1))) : (float)(lo + (hi - lo) * (i / (double)(n - 1)));
        return x;
    }

    private long MaxUlps(float[] x, float[] y, Func<float, float> reference)
    {
        long max = 0;
        float at = 0;
        for (int i = 0; i < x.Length; i++)
        {
            long u = FloatCompare.Ulps(y[i], reference(x[i]));
            if (u > max)
                (max, at) = (u, x[i]);
        }
        if (max > 0)
            output.WriteLine($"  worst at x = {at:R}: {y[Array.IndexOf(x, at)]:R} vs {reference(at):R}");
        return max;
    }

    private static long MaxUlpsAbs(float[] x, float[] y, Func<float, float> reference, double absTol)
    {
        long max = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float r = reference(x[i]);
            if (Math.Abs((double)y[i] - r) > absTol)
                max = Math.Max(max, FloatCompare.Ulps(y[i], r));
        }
        return max;
    }
}
