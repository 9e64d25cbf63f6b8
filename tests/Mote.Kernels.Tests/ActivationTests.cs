namespace Mote.Kernels.Tests;

public class ActivationTests
{
    public static TheoryData<string> Variants => TestData.VariantNames(KernelFamily.Activation);

    private static readonly Activation[] All =
    [
        Activation.None, Activation.Relu, Activation.Clip(0f, 6f), Activation.Clip(-0.5f, 0.25f), Activation.LeakyRelu(0.01f),
        Activation.Sigmoid, Activation.HardSigmoid(0.2f, 0.5f), Activation.HardSigmoid(1f / 6f, 0.5f), Activation.HardSwish, Activation.Tanh,
        Activation.HardSwish.WithAffine(0.8f, 0.05f), Activation.None.WithAffine(-1.5f, 2f), Activation.Relu.WithAffine(2f, -1f).WithAffine(0.5f, 0.25f),
    ];

    private static readonly float[] Edges =
    [
        float.NaN, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon, 1e-38f, -1e-38f,
        float.MaxValue, float.MinValue, 1e-4f, -1e-4f, 0.299f, 0.301f, -0.3f, 0.1375f, 3f, -3f, 6f, 20f, -20f, 88f, -88f, 100f, -104f,
    ];

    private static bool Exact(ActivationKind k) => k is not (ActivationKind.Sigmoid or ActivationKind.Tanh);

    private static void Compare(Activation act, float x, float got, string where)
    {
        float want = act.Apply(x);
        if (float.IsNaN(want) || float.IsNaN(got))
        {
            Assert.True(float.IsNaN(want) && float.IsNaN(got), $"{where} {act} x={x}: {got} vs {want}");
            return;
        }
        if (Exact(act.Kind))
        {
            Assert.True(BitConverter.SingleToInt32Bits(want) == BitConverter.SingleToInt32Bits(got), $"{where} {act} x={x}: {got} vs {want}");
            return;
        }
        // Exp-based: a few ulp relative, plus a denormal-sized absolute floor.
        Assert.True(Math.Abs(got - want) <= 4e-7f * Math.Abs(want) + 1e-37f, $"{where} {act} x={x}: {got} vs {want} (Δ {got - want:g3})");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EveryLengthAndEdgeValueMatchesReference(string name)
    {
        var v = TestData.Variant(name);
        if (!v.IsSupportedBy(CpuFeatures.Detect())) return;
        var kernel = (ActivationKernel)v.Kernel;
        foreach (var act in All)
        {
            for (int n = 0; n <= 257; n++)
            {
                float[] x = TestData.Random(n, n, -8f, 8f);
                for (int i = 0; i < n; i += 7) x[i] = Edges[(i / 7 + n) % Edges.Length];
                using var buf = GuardedBuffer.From(x);
                kernel.Apply(act, buf.Span);
                for (int i = 0; i < n; i++) Compare(act, x[i], buf.Span[i], $"{name} n={n} i={i}");
            }
        }
    }

    [Fact]
    public void ActivationIdsAreStable()
    {
        Assert.Equal(0, (int)ActivationKind.None);
        Assert.Equal(1, (int)ActivationKind.Relu);
        Assert.Equal(2, (int)ActivationKind.Clip);
        Assert.Equal(3, (int)ActivationKind.LeakyRelu);
        Assert.Equal(4, (int)ActivationKind.Sigmoid);
        Assert.Equal(5, (int)ActivationKind.HardSigmoid);
        Assert.Equal(6, (int)ActivationKind.HardSwish);
        Assert.Equal(7, (int)ActivationKind.Tanh);
    }

    [Fact]
    public void ReferenceMatchesDefinitions()
    {
        Assert.Equal(6f, Activation.Clip(0f, 6f).Apply(7f));
        Assert.Equal(-0.05f, Activation.LeakyRelu(0.1f).Apply(-0.5f));
        Assert.Equal(0.5f, Activation.Sigmoid.Apply(0f));
        Assert.Equal(0.7f, Activation.HardSigmoid(0.2f, 0.5f).Apply(1f), 6);
        Assert.Equal(2f * (2f / 6f + 0.5f), Activation.HardSwish.Apply(2f), 6);
        Assert.Equal(MathF.Tanh(0.3f), Activation.Tanh.Apply(0.3f));
        Assert.Equal(2f * (2f / 6f + 0.5f) * 0.8f + 0.05f, Activation.HardSwish.WithAffine(0.8f, 0.05f).Apply(2f));
        Assert.Equal(-0.25f, Activation.Relu.WithAffine(2f, -1f).WithAffine(0.5f, 0.25f).Apply(-3f)); // (0·2 − 1)·0.5 + 0.25 as one map
        Assert.False(Activation.None.WithAffine(1f, 0f).IsNone);
        Assert.True(float.IsNaN(Activation.Relu.Apply(float.NaN)));
    }
}
