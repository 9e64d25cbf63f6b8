using System.Numerics;
using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.BinaryOperatorTests;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>Pow, Mod, PRelu, bitwise operators and the variadic Max/Min/Sum/Mean.</summary>
public class MoreBinaryOperatorTests
{
    [Fact]
    public void PowFloatBaseWithEveryExponentType()
    {
        var x = FloatsWithEdges(24, 3, -3, 3);
        var e = Floats(6, 4, -2.5f, 2.5f);
        e[0] = 2; e[1] = 0.5f; e[2] = 0; e[3] = -1;
        Check(OpType.Pow, [4, 6], x, [6], e, MathF.Pow);
        // Integer exponents: computed in double, rounded.
        var ei = new long[] { 0, 1, 2, 3, -2, 7 };
        var y = NodeHarness.RunOne(OpType.Pow, Tensor.FromArray(x, 4, 6), Tensor.FromArray(ei, 6)).ToArray<float>();
        var want = new float[24];
        for (int i = 0; i < 24; i++)
            want[i] = (float)Math.Pow(x[i], ei[i % 6]);
        AssertSame(y, want, "pow f32^i64");
        var xd = x.Select(v => (double)v).ToArray();
        var yd = NodeHarness.RunOne(OpType.Pow, Tensor.FromArray(xd, 24), Tensor.Scalar(1.5f)).ToArray<double>();
        Assert.Equal(xd.Select(v => Math.Pow(v, 1.5)).ToArray(), yd);
    }

    [Theory]
    [InlineData(2f)]
    [InlineData(3f)]
    [InlineData(0.5f)]
    [InlineData(1f)]
    [InlineData(-0.5f)]
    public void PowFastPathsAgreeWithPow(float p)
    {
        var x = FloatsWithEdges(100, 5, -10, 10);
        var got = NodeHarness.RunOne(OpType.Pow, Tensor.FromArray(x, 4, 25), Tensor.FromArray(new[] { p }, 1, 1)).ToArray<float>();
        for (int i = 0; i < x.Length; i++)
        {
            double want = (float)Math.Pow(x[i], p);
            // x·x and x·x·x round once per product (≤ 1 ulp from correctly rounded pow).
            Assert.True(Close(got[i], want, 2.5e-7, 1e-45) || (double.IsNaN(want) && float.IsNaN(got[i])), $"{x[i]}^{p} = {got[i]}, expected {want}");
            if (p == 0.5f && x[i] == 0)
                Assert.False(float.IsNegative(got[i]));
        }
        var ninf = NodeHarness.RunOne(OpType.Pow, Tensor.Scalar(float.NegativeInfinity), Tensor.Scalar(0.5f)).ToArray<float>();
        Assert.Equal(float.PositiveInfinity, ninf[0]);
    }

    [Fact]
    public void PowIntegers()
    {
        var b = new long[] { 2, -3, 0, 1, -1, 5, 3, 10 };
        var e = new long[] { 10, 3, 0, -4, -3, 0, 40, -1 };
        var y = NodeHarness.RunOne(OpType.Pow, Tensor.FromArray(b, 8), Tensor.FromArray(e, 8)).ToArray<long>();
        var want = new long[8];
        for (int i = 0; i < 8; i++)
            want[i] = IntPow(b[i], e[i]);
        Assert.Equal(want, y);
        var bi = new[] { 2, -3, 7 };
        Assert.Equal([8, -27, 343], NodeHarness.RunOne(OpType.Pow, Tensor.FromArray(bi, 3), Tensor.Scalar(3L)).ToArray<int>());
        Assert.Equal([2, 5, 18], NodeHarness.RunOne(OpType.Pow, Tensor.FromArray(new[] { 2, 3, 7 }, 3), Tensor.FromArray(new[] { 1.5f, 1.5f, 1.5f }, 3)).ToArray<int>());
    }

    private static long IntPow(long b, long e)
    {
        if (e < 0)
            return b == 1 ? 1 : b == -1 ? (e % 2 == 0 ? 1 : -1) : 0;
        long r = 1;
        for (long k = 0; k < e; k++)
            r = unchecked(r * b);
        return r;
    }

    [Fact]
    public void ModIntegerSignOfDivisorAndFmod()
    {
        var a = new[] { -4, 7, -7, 7, -7, 5, int.MinValue, 9 };
        var b = new[] { 3, 3, 3, -3, -3, 0, -1, 4 };
        Assert.Equal(a.Select((v, i) => PyMod(v, b[i])).ToArray(), NodeHarness.RunOne(OpType.Mod, Tensor.FromArray(a, 8), Tensor.FromArray(b, 8)).ToArray<int>());
        Assert.Equal(a.Select((v, i) => b[i] is 0 or -1 ? 0 : v % b[i]).ToArray(),
            NodeHarness.RunOne(OpType.Mod, [Int("fmod", 1)], Tensor.FromArray(a, 8), Tensor.FromArray(b, 8)).ToArray<int>());
        foreach (var (sa, sb) in ShapePairs)
        {
            var x = Values<long>(Count(sa), 3);
            var y = Values<long>(Count(sb), 4);
            CheckTyped(OpType.Mod, sa, x, sb, y, PyMod);
            var ux = Values<byte>(Count(sa), 3);
            var uy = Values<byte>(Count(sb), 4);
            CheckTyped(OpType.Mod, sa, ux, sb, uy, (p, q) => q == 0 ? (byte)0 : (byte)(p % q));
        }
    }

    private static T PyMod<T>(T a, T b) where T : INumber<T>
    {
        if (T.IsZero(b) || (T.IsNegative(b) && b == T.Zero - T.One))
            return T.Zero;
        T r = a % b;
        return !T.IsZero(r) && (T.IsNegative(r) != T.IsNegative(b)) ? r + b : r;
    }

    [Fact]
    public void ModFloatIsCFmodAndRequiresFmod()
    {
        var a = FloatsWithEdges(20, 2, -9, 9);
        var b = FloatsWithEdges(20, 3, -4, 4);
        Check(OpType.Mod, [20], a, [20], b, (x, y) => x % y, [Int("fmod", 1)]);
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.Mod, [Tensor.FromArray(a, 20), Tensor.FromArray(b, 20)], false));
    }

    [Fact]
    public void PReluPerChannelAndFullSlope()
    {
        var x = FloatsWithEdges(2 * 3 * 5, 8);
        var slope = new[] { 0.1f, -2f, 0.5f };
        Check(OpType.PRelu, [2, 3, 5], x, [3, 1], slope, (v, s) => v < 0 ? v * s : v);
        var full = Floats(15, 9);
        Check(OpType.PRelu, [2, 3, 5], x, [3, 5], full, (v, s) => v < 0 ? v * s : v);
        Check(OpType.PRelu, [2, 3, 5], x, [], [0.25f], (v, s) => v < 0 ? v * s : v);
        var xi = new long[] { -5, 3, 0, long.MinValue };
        Assert.Equal([-10L, 3, 0, 0], NodeHarness.RunOne(OpType.PRelu, Tensor.FromArray(xi, 4), Tensor.Scalar(2L)).ToArray<long>());
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.PRelu, [Tensor.FromArray(new float[3], 3), Tensor.FromArray(new float[6], 2, 3)], false));
    }

    [Fact]
    public void BitwiseAndShifts()
    {
        foreach (var (sa, sb) in ShapePairs)
        {
            var a = Values<int>(Count(sa), 1);
            var b = Values<int>(Count(sb), 2);
            CheckTyped(OpType.BitwiseAnd, sa, a, sb, b, (p, q) => p & q);
            CheckTyped(OpType.BitwiseOr, sa, a, sb, b, (p, q) => p | q);
            CheckTyped(OpType.BitwiseXor, sa, a, sb, b, (p, q) => p ^ q);
        }
        var u = new byte[] { 1, 0x80, 0xFF, 16, 3 };
        var s = new byte[] { 1, 1, 8, 3, 200 };
        Assert.Equal([2, 0, 0, 128, 0], NodeHarness.RunOne(OpType.BitShift, [Str("direction", "LEFT")], Tensor.FromArray(u, 5), Tensor.FromArray(s, 5)).ToArray<byte>());
        Assert.Equal([0, 0x40, 0, 2, 0], NodeHarness.RunOne(OpType.BitShift, [Str("direction", "RIGHT")], Tensor.FromArray(u, 5), Tensor.FromArray(s, 5)).ToArray<byte>());
        var big = new ulong[] { 1, ulong.MaxValue };
        Assert.Equal([1UL << 63, ulong.MaxValue << 63], NodeHarness.RunOne(OpType.BitShift, [Str("direction", "LEFT")], Tensor.FromArray(big, 2), Tensor.Scalar(63UL)).ToArray<ulong>());
        Assert.Equal([~5L, ~0L], NodeHarness.RunOne(OpType.BitwiseNot, Tensor.FromArray(new[] { 5L, 0L }, 2)).ToArray<long>());
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.BitShift, [Tensor.FromArray(new int[1], 1), Tensor.FromArray(new int[1], 1)], false, attributes: [Str("direction", "LEFT")]));
    }

    [Fact]
    public void VariadicMaxMinSumMean()
    {
        int[][] shapes = [[2, 1, 4], [3, 1], [4], []];
        var data = shapes.Select((s, i) => FloatsWithEdges(Count(s), 11 + i)).ToArray();
        var inputs = shapes.Select((s, i) => (Tensor?)Tensor.FromArray(data[i], s)).ToArray();
        var outShape = BroadcastShape(shapes);
        foreach (var op in new[] { OpType.Max, OpType.Min, OpType.Sum, OpType.Mean })
        {
            var y = NodeHarness.RunBoth(op, inputs)[0];
            Assert.Equal(outShape, y.Shape.ToArray());
            var want = new float[Count(outShape)];
            for (int i = 0; i < want.Length; i++)
            {
                float acc = data[0][SourceIndex(i, outShape, shapes[0])];
                for (int k = 1; k < shapes.Length; k++)
                {
                    float v = data[k][SourceIndex(i, outShape, shapes[k])];
                    acc = op switch
                    {
                        // NaN in any input gives NaN (ONNX Runtime ≥ 1.19).
                        OpType.Max => float.IsNaN(acc) || float.IsNaN(v) ? float.NaN : Math.Max(acc, v),
                        OpType.Min => float.IsNaN(acc) || float.IsNaN(v) ? float.NaN : Math.Min(acc, v),
                        _ => acc + v,
                    };
                }
                want[i] = op == OpType.Mean ? acc / shapes.Length : acc;
            }
            AssertSame(y.ToArray<float>(), want, op.ToString());
        }
        // One input: a copy. Integers for Max/Min.
        Assert.Equal([3, -1], NodeHarness.RunOne(OpType.Max, Tensor.FromArray(new[] { 3, -1 }, 2)).ToArray<int>());
        Assert.Equal([1, -5, int.MinValue], NodeHarness.RunOne(OpType.Min, Tensor.FromArray(new[] { 1, 2, int.MinValue }, 3), Tensor.FromArray(new[] { 4, -5, 0 }, 3)).ToArray<int>());
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.Sum, [Tensor.FromArray(new int[1], 1)], false));
    }
}
