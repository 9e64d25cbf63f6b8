using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>Unary float operators against double-precision formulas from the ONNX spec, in f32 and f64.</summary>
public class UnaryOperatorTests
{
    private const double SqrtHalfPi = 0.7978845608028654;

    private static double Erf(double x)
    {
        // Independent of the runtime: Simpson integration of 2/√π·e^(−t²) on [0, |x|] with 2000 panels
        // (error < 1e-15 for |x| ≤ 6), and ±1 beyond.
        double a = Math.Min(Math.Abs(x), 6);
        int n = 2000;
        double h = a / n, s = 1 + Math.Exp(-a * a);
        for (int i = 1; i < n; i++)
            s += (i % 2 == 1 ? 4 : 2) * Math.Exp(-(i * h) * (i * h));
        double r = Math.Abs(x) > 6 ? 1 : s * h / 3 * 2 / Math.Sqrt(Math.PI);
        return double.IsNaN(x) ? double.NaN : x < 0 ? -r : r;
    }

    public static TheoryData<string> Cases => new(Table.Keys);

    // name → (op, attributes, reference, relative tolerance for f32, absolute tolerance for f32)
    private static readonly Dictionary<string, (OpType Op, AttributeDef[] Attrs, Func<double, double> F, double Rel, double Abs)> Table = new()
    {
        ["Relu"] = (OpType.Relu, [], x => x < 0 ? 0 : x, 0, 0),
        ["LeakyRelu"] = (OpType.LeakyRelu, [Float("alpha", 0.3f)], x => x < 0 ? x * 0.3f : x, 1e-7, 0),
        ["LeakyReluDefault"] = (OpType.LeakyRelu, [], x => x < 0 ? x * 0.01f : x, 1e-7, 0),
        ["HardSigmoid"] = (OpType.HardSigmoid, [Float("alpha", 0.25f), Float("beta", 0.4f)], x => Math.Max(0, Math.Min(1, 0.25 * x + 0.4f)), 2e-7, 1e-7),
        ["HardSwish"] = (OpType.HardSwish, [], x => x * Math.Max(0, Math.Min(1, x / 6 + 0.5)), 3e-7, 1e-7),
        ["ThresholdedRelu"] = (OpType.ThresholdedRelu, [Float("alpha", 0.5f)], x => x > 0.5 ? x : 0, 0, 0),
        ["Shrink"] = (OpType.Shrink, [Float("lambd", 1.5f), Float("bias", 0.5f)], x => x < -1.5 ? x + 0.5 : x > 1.5 ? x - 0.5 : 0, 1e-7, 0),
        ["Softsign"] = (OpType.Softsign, [], x => x / (1 + Math.Abs(x)), 2e-7, 0),
        ["Sigmoid"] = (OpType.Sigmoid, [], x => 1 / (1 + Math.Exp(-x)), 3e-7, 1e-38),
        // α·x rounds in float before the exponential, so the relative error grows with |α·x| (2e-6 at |x| = 6).
        ["Swish"] = (OpType.Swish, [Float("alpha", 1.702f)], x => x / (1 + Math.Exp(-1.702f * x)), 2e-6, 1e-38),
        ["Tanh"] = (OpType.Tanh, [], Math.Tanh, 5e-7, 0),
        ["Exp"] = (OpType.Exp, [], Math.Exp, 2.5e-7, 1e-45),
        ["Erf"] = (OpType.Erf, [], Erf, 6e-7, 0),
        ["Elu"] = (OpType.Elu, [Float("alpha", 0.8f)], x => x < 0 ? 0.8f * (Math.Exp(x) - 1) : x, 5e-7, 2e-7),
        ["Selu"] = (OpType.Selu, [], x => x > 0 ? 1.05070102214813232421875 * x : 1.05070102214813232421875 * (1.67326319217681884765625 * Math.Exp(x) - 1.67326319217681884765625), 5e-7, 2e-7),
        ["Celu"] = (OpType.Celu, [Float("alpha", 2f)], x => Math.Max(0, x) + Math.Min(0, 2 * (Math.Exp(x / 2) - 1)), 5e-7, 2e-7),
        ["Softplus"] = (OpType.Softplus, [], x => x > 30 ? x : Math.Log(1 + Math.Exp(x)), 5e-7, 1e-30),
        ["Mish"] = (OpType.Mish, [], x => x * Math.Tanh(x > 30 ? x : Math.Log(1 + Math.Exp(x))), 5e-7, 1e-7),
        // Where erf(x/√2) is near −1 the float sum 1 + erf cancels: absolute error ≈ 2e-7·|x|.
        ["Gelu"] = (OpType.Gelu, [], x => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))), 6e-7, 1.3e-6),
        ["GeluTanh"] = (OpType.Gelu, [Str("approximate", "tanh")], x => 0.5 * x * (1 + Math.Tanh(SqrtHalfPi * (x + 0.044715 * x * x * x))), 6e-7, 5e-7),
        ["Abs"] = (OpType.Abs, [], Math.Abs, 0, 0),
        ["Neg"] = (OpType.Neg, [], x => -x, 0, 0),
        ["Sign"] = (OpType.Sign, [], x => double.IsNaN(x) ? x : Math.Sign(x), 0, 0),
        ["Floor"] = (OpType.Floor, [], Math.Floor, 0, 0),
        ["Ceil"] = (OpType.Ceil, [], Math.Ceiling, 0, 0),
        ["Round"] = (OpType.Round, [], x => Math.Round(x, MidpointRounding.ToEven), 0, 0),
        ["Sqrt"] = (OpType.Sqrt, [], Math.Sqrt, 6e-8, 0),
        ["Reciprocal"] = (OpType.Reciprocal, [], x => 1 / x, 6e-8, 0),
        ["Log"] = (OpType.Log, [], Math.Log, 2.5e-7, 0),
        ["Sin"] = (OpType.Sin, [], Math.Sin, 2.5e-7, 1e-7),
        ["Cos"] = (OpType.Cos, [], Math.Cos, 2.5e-7, 1e-7),
        ["Tan"] = (OpType.Tan, [], Math.Tan, 2.5e-7, 1e-7),
        ["Asin"] = (OpType.Asin, [], Math.Asin, 2.5e-7, 0),
        ["Acos"] = (OpType.Acos, [], Math.Acos, 2.5e-7, 0),
        ["Atan"] = (OpType.Atan, [], Math.Atan, 2.5e-7, 0),
        ["Sinh"] = (OpType.Sinh, [], Math.Sinh, 6e-8, 0),
        ["Cosh"] = (OpType.Cosh, [], Math.Cosh, 6e-8, 0),
        ["Asinh"] = (OpType.Asinh, [], Math.Asinh, 6e-8, 0),
        ["Acosh"] = (OpType.Acosh, [], Math.Acosh, 6e-8, 0),
        ["Atanh"] = (OpType.Atanh, [], Math.Atanh, 6e-8, 0),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32AndFloat64MatchTheFormula(string name)
    {
        var (op, attrs, f, rel, abs) = Table[name];
        float lo = name is "Acosh" ? 1 : -6, hi = 6;
        var x = FloatsWithEdges(213, name.Length, lo, hi);
        if (name is "Round")
            x = [.. x, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 3.4999998f];
        if (name is "Asin" or "Acos" or "Atanh")
            x = x.Select(v => float.IsFinite(v) ? v / 7 : v).ToArray();
        // Graph input with a batch shape, and folded constant of rank 0 and of an empty shape.
        var y = NodeHarness.RunBoth(op, [Tensor.FromArray(x, 1, x.Length)], 1, attrs, exactFold: rel == 0)[0];
        AssertClose(y.ToArray<float>(), x.Select(v => (double)(float)f(v)).ToArray(), rel, abs, name);
        var scalar = NodeHarness.RunBoth(op, [Tensor.Scalar(x[5])], 1, attrs, exactFold: rel == 0)[0];
        Assert.Empty(scalar.Shape.ToArray());
        AssertClose(scalar.ToArray<float>(), [(double)(float)f(x[5])], rel, abs, name + " rank 0");
        var empty = NodeHarness.RunBoth(op, [Tensor.FromArray(Array.Empty<float>(), 2, 0, 3)], 1, attrs)[0];
        Assert.Equal([2, 0, 3], empty.Shape.ToArray());

        var xd = x.Select(v => (double)v).ToArray();
        var yd = NodeHarness.RunBoth(op, [Tensor.FromArray(xd, xd.Length)], 1, attrs, exactFold: rel == 0)[0].ToArray<double>();
        for (int i = 0; i < xd.Length; i++)
            Assert.True(Close(yd[i], f(xd[i]), Math.Max(rel, 1e-12) * 1e-5 + 1e-13, abs * 1e-6), $"{name} f64({xd[i]:R}) = {yd[i]:R}, expected {f(xd[i]):R}");
    }

    [Fact]
    public void ScalarKernelsGiveTheSameAnswers()
    {
        // The reference tier (no SIMD) against the formula, for the vectorized activations.
        var options = new SessionOptions { Features = Mote.Kernels.CpuFeatures.None };
        foreach (var name in new[] { "Sigmoid", "Tanh", "Erf", "Gelu", "Exp", "Relu", "Mish" })
        {
            var (op, attrs, f, rel, abs) = Table[name];
            var x = FloatsWithEdges(100, 4);
            var y = NodeHarness.Run(op, [Tensor.FromArray(x, 100)], false, 1, attrs, options)[0];
            AssertClose(y.ToArray<float>(), x.Select(v => (double)(float)f(v)).ToArray(), rel, abs, name + " scalar");
        }
    }

    [Fact]
    public void IntegerForms()
    {
        var i = new[] { -5, 0, 7, int.MinValue, int.MaxValue, -1 };
        var t = Tensor.FromArray(i, 6);
        Assert.Equal([0, 0, 7, 0, int.MaxValue, 0], NodeHarness.RunOne(OpType.Relu, t).ToArray<int>());
        Assert.Equal([5, 0, 7, int.MinValue, int.MaxValue, 1], NodeHarness.RunOne(OpType.Abs, t).ToArray<int>());
        Assert.Equal([5, 0, -7, int.MinValue, -int.MaxValue, 1], NodeHarness.RunOne(OpType.Neg, t).ToArray<int>());
        Assert.Equal([-1, 0, 1, -1, 1, -1], NodeHarness.RunOne(OpType.Sign, t).ToArray<int>());
        Assert.Equal([-4, 0, 6, int.MinValue + 1, int.MaxValue - 1, 0],
            NodeHarness.RunOne(OpType.Shrink, [Float("lambd", 1.5f), Float("bias", 1f)], t).ToArray<int>());
        Assert.Equal([0, 7, 255], NodeHarness.RunOne(OpType.Abs, Tensor.FromArray(new byte[] { 0, 7, 255 }, 3)).ToArray<byte>());
        Assert.Equal([(sbyte)0, (sbyte)3], NodeHarness.RunOne(OpType.Relu, Tensor.FromArray(new sbyte[] { -128, 3 }, 2)).ToArray<sbyte>());
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.Neg, [Tensor.FromArray(new uint[1], 1)], false));
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.Relu, [Tensor.FromArray(new uint[1], 1)], false));
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.Sigmoid, [Tensor.FromArray(new int[1], 1)], false));
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.Gelu, [Tensor.FromArray(new float[1], 1)], false, attributes: [Str("approximate", "fast")]));
    }

    [Fact]
    public void ClipWithOptionalBoundsAndEveryType()
    {
        var x = FloatsWithEdges(50, 6);
        float Clip(float v, float lo, float hi) => float.IsNaN(v) ? v : Math.Min(hi, Math.Max(lo, v));
        var t = Tensor.FromArray(x, 5, 10);
        AssertSame(NodeHarness.RunOne(OpType.Clip, t, Tensor.Scalar(-1f), Tensor.Scalar(2f)).ToArray<float>(), x.Select(v => Clip(v, -1, 2)).ToArray());
        AssertSame(NodeHarness.RunOne(OpType.Clip, t, null, Tensor.Scalar(2f)).ToArray<float>(), x.Select(v => Clip(v, float.NegativeInfinity, 2)).ToArray());
        AssertSame(NodeHarness.RunOne(OpType.Clip, t, Tensor.Scalar(0f)).ToArray<float>(), x.Select(v => Clip(v, 0, float.PositiveInfinity)).ToArray());
        AssertSame(NodeHarness.RunOne(OpType.Clip, t).ToArray<float>(), x);
        // min > max: everything becomes max.
        AssertSame(NodeHarness.RunOne(OpType.Clip, t, Tensor.Scalar(3f), Tensor.Scalar(1f)).ToArray<float>(), x.Select(v => float.IsNaN(v) ? v : 1f).ToArray());
        var xi = new long[] { -100, 5, long.MaxValue, long.MinValue };
        Assert.Equal([-10L, 5, 10, -10], NodeHarness.RunOne(OpType.Clip, Tensor.FromArray(xi, 4), Tensor.Scalar(-10L), Tensor.Scalar(10L)).ToArray<long>());
        Assert.Equal([(byte)0, (byte)5, (byte)9], NodeHarness.RunOne(OpType.Clip, Tensor.FromArray(new byte[] { 0, 5, 200 }, 3), null, Tensor.Scalar((byte)9)).ToArray<byte>());
        var xd = new double[] { -3, double.NaN, 0.5, 7 };
        Assert.Equal([-1, double.NaN, 0.5, 1], NodeHarness.RunOne(OpType.Clip, Tensor.FromArray(xd, 4), Tensor.Scalar(-1.0), Tensor.Scalar(1.0)).ToArray<double>());
    }
}
