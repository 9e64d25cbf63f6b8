using Mote.Kernels.Elementwise;
using Xunit;

namespace Mote.Kernels.Tests.Elementwise;

/// <summary>Every unary function at every vector width and every length 0..257 against its scalar reference.</summary>
public class UnaryF32Tests
{
    public static TheoryData<string> Functions => new()
    {
        "Relu", "LeakyRelu", "Clip", "ClipInverted", "HardSigmoid", "HardSwish", "ThresholdedRelu", "Shrink", "Softsign", "Affine", "Scale", "Offset",
        "Exp", "Tanh", "Sigmoid", "Swish", "Elu", "Selu", "Celu", "Softplus", "Mish", "Erf", "Gelu", "GeluTanh", "ScaledTanh",
    };

    [Theory]
    [MemberData(nameof(Functions))]
    public void VectorWidthsMatchTheScalarReference(string name)
    {
        switch (name)
        {
            case "Relu": Check(new ReluFn(), 0); break;
            case "LeakyRelu": Check(new LeakyReluFn(0.1f), 0); break;
            case "Clip": Check(new ClipFn(-1.5f, 2.25f), 0); break;
            case "ClipInverted": Check(new ClipFn(3f, 1f), 0); break;
            case "HardSigmoid": Check(new HardSigmoidFn(0.2f, 0.5f), 0); break;
            case "HardSwish": Check(new HardSwishFn(), 0); break;
            case "ThresholdedRelu": Check(new ThresholdedReluFn(1.25f), 0); break;
            case "Shrink": Check(new ShrinkFn(0.5f, 0.25f), 0); break;
            case "Softsign": Check(new SoftsignFn(), 0); break;
            case "Affine": Check(new AffineFn(1.7f, -0.3f), 0); break;
            case "Scale": Check(new ScaleFn(-2.5f), 0); break;
            case "Offset": Check(new OffsetFn(1.25f, -3.5f), 0); break;
            case "Exp": Check(new ExpFn(), 2); break;
            case "Tanh": Check(new TanhFn(), FmaSlack.Ulps(5, 8)); break;
            case "Sigmoid": Check(new SigmoidFn(), 3); break;
            case "Swish": Check(new SwishFn(1.5f), 4); break;
            case "Elu": Check(new EluFn(0.7f), 8, 2e-7f); break;
            case "Selu": Check(new SeluFn(1.67326f, 1.0507f), 8, 2e-7f); break;
            case "Celu": Check(new CeluFn(1.3f), 8, 2e-7f); break;
            case "Softplus": Check(new SoftplusFn(), 4); break;
            case "Mish": Check(new MishFn(), 4, 1e-7f); break;
            case "Erf": Check(new ErfFn(), FmaSlack.Ulps(4, 8)); break;
            case "Gelu": Check(new GeluFn(), 6, 1e-6f); break;
            case "GeluTanh": Check(new GeluTanhFn(), 4, 1e-7f); break;
            case "ScaledTanh": Check(new ScaledTanhFn(1.7159f, 0.6667f), FmaSlack.Ulps(5, 8)); break;
            default: throw new ArgumentException(name);
        }
    }

    [Fact]
    public void EveryKernelFunctionIsInTheList()
    {
        // A function cannot exist without being checked above.
        var listed = ((IEnumerable<ITheoryDataRow>)Functions).Select(row => (string)row.GetData()[0]!).ToHashSet();
        var functions = typeof(IUnaryOperatorF32).Assembly.GetTypes()
            .Where(t => t.IsValueType && typeof(IUnaryOperatorF32).IsAssignableFrom(t))
            .Select(t => t.Name.EndsWith("Fn", StringComparison.Ordinal) ? t.Name[..^2] : t.Name);
        Assert.All(functions, f => Assert.Contains(f, listed));
    }

    [Fact]
    public void InPlaceGivesTheSameResult()
    {
        foreach (var w in SimdWidths.Available)
            foreach (int n in new[] { 1, 5, 17, 33, 100 })
            {
                var x = Inputs(n, 3);
                var expected = new float[n];
                UnaryF32.Apply(new SigmoidFn(), x, expected, w);
                UnaryF32.Apply(new SigmoidFn(), x, x, w);
                Assert.Equal(expected, x);
            }
    }

    [Fact]
    public void DoublePathMatchesTheFloatReference()
    {
        var x = Inputs(200, 11).Select(v => (double)v).ToArray();
        var y = new double[x.Length];
        UnaryF32.Apply(new GeluTanhFn(), x, y);
        for (int i = 0; i < x.Length; i++)
            Assert.True(FloatCompare.Close((float)y[i], new GeluTanhFn().Invoke((float)x[i]), 1), $"x={x[i]}");
    }

    [Fact]
    public void ScalarWidthIsTheReference()
    {
        var x = Inputs(64, 5);
        var a = new float[64];
        var b = new float[64];
        UnaryF32.Apply(new ExpFn(), x, a, SimdWidth.Scalar);
        UnaryF32.Reference(new ExpFn(), x, b);
        Assert.Equal(b, a);
        Assert.Equal(MathF.Exp(x[7]), a[7]);
    }

    private static unsafe void Check<TOp>(TOp op, long maxUlps, float absTol = 0) where TOp : struct, IUnaryOperatorF32
    {
        foreach (var width in SimdWidths.Available)
            for (int n = 0; n <= 257; n++)
            {
                using var xb = new GuardedBuffer(n);
                using var yb = new GuardedBuffer(n);
                Inputs(n, n).CopyTo(xb.Span);
                yb.Span.Fill(-12345f);
                UnaryF32.Apply(op, xb.Span, yb.Span, width);
                for (int i = 0; i < n; i++)
                {
                    float x = xb.Span[i], got = yb.Span[i], want = op.Invoke(x);
                    if (!FloatCompare.Close(got, want, maxUlps, absTol))
                        Assert.Fail($"{typeof(TOp).Name} width {width} n={n} i={i}: f({x:R}) = {got:R}, reference {want:R} ({FloatCompare.Ulps(got, want)} ulp)");
                }
            }
    }

    /// <summary>Values in [−12, 12] with NaN, ±∞, ±0, denormals and large values at varying positions (head, middle, tail lanes).</summary>
    internal static float[] Inputs(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = (float)(rng.NextDouble() * 24 - 12);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, -1e-40f, 3e38f, -3e38f, 95f, -95f, 1e-30f];
        for (int k = 0; k < specials.Length && n > 0; k++)
        {
            if (rng.Next(3) == 0)
                continue;
            x[(k * 7 + seed) % n] = specials[k];
        }
        return x;
    }
}
