using System.Numerics;
using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.BinaryOperatorTests;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>Comparisons, logic, Where, IsNaN/IsInf and Cast.</summary>
public class LogicAndCastTests
{
    [Fact]
    public void ComparisonsOnFloatsWithNaNAndSignedZero()
    {
        foreach (var (sa, sb) in ShapePairs)
        {
            var a = FloatsWithEdges(Count(sa), 2, -2, 2).Select(v => MathF.Round(v)).ToArray();
            var b = FloatsWithEdges(Count(sb), 3, -2, 2).Select(v => MathF.Round(v)).ToArray();
            CheckCompare(OpType.Equal, sa, a, sb, b, (x, y) => x == y);
            CheckCompare(OpType.Less, sa, a, sb, b, (x, y) => x < y);
            CheckCompare(OpType.LessOrEqual, sa, a, sb, b, (x, y) => x <= y);
            CheckCompare(OpType.Greater, sa, a, sb, b, (x, y) => x > y);
            CheckCompare(OpType.GreaterOrEqual, sa, a, sb, b, (x, y) => x >= y);
        }
        Assert.Equal([true, false], NodeHarness.RunOne(OpType.Equal, Tensor.FromArray(new[] { 0f, float.NaN }, 2), Tensor.FromArray(new[] { -0f, float.NaN }, 2)).ToArray<bool>());
    }

    [Fact]
    public void ComparisonsOnIntegersAndBools()
    {
        var a = Values<long>(12, 1);
        var b = Values<long>(4, 2);
        CheckCompare(OpType.Less, [3, 4], a, [4], b, (x, y) => x < y);
        CheckCompare(OpType.Equal, [3, 4], a, [4], b, (x, y) => x == y);
        var ua = Values<ulong>(12, 1);
        CheckCompare(OpType.Greater, [12], ua, [], [7UL], (x, y) => x > y);
        var p = new[] { true, false, true, false };
        var q = new[] { true, true, false, false };
        Assert.Equal([true, false, false, true], NodeHarness.RunOne(OpType.Equal, Tensor.FromArray(p, 4), Tensor.FromArray(q, 4)).ToArray<bool>());
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.Less, [Tensor.FromArray(p, 4), Tensor.FromArray(q, 4)], false));
    }

    [Fact]
    public void LogicalOperatorsBroadcast()
    {
        var a = new[] { true, false, true, false, true, true };
        var b = new[] { true, false, false };
        foreach (var (op, f) in new (OpType, Func<bool, bool, bool>)[] { (OpType.And, (x, y) => x & y), (OpType.Or, (x, y) => x | y), (OpType.Xor, (x, y) => x ^ y) })
        {
            var y = NodeHarness.RunOne(op, Tensor.FromArray(a, 2, 3), Tensor.FromArray(b, 3)).ToArray<bool>();
            Assert.Equal(Enumerable.Range(0, 6).Select(i => f(a[i], b[i % 3])).ToArray(), y);
        }
        Assert.Equal([false, true], NodeHarness.RunOne(OpType.Not, Tensor.FromArray(new[] { true, false }, 2)).ToArray<bool>());
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.And, [Tensor.FromArray(new int[1], 1), Tensor.FromArray(new int[1], 1)], false));
    }

    [Fact]
    public void WhereThreeWayBroadcastForEveryElementSize()
    {
        int[] sc = [2, 1, 4], sx = [3, 1], sy = [1, 3, 4];
        var c = Enumerable.Range(0, 8).Select(i => i % 3 != 0).ToArray();
        var shape = BroadcastShape(sc, sx, sy);
        void Check<T>(T[] x, T[] y) where T : unmanaged
        {
            var got = NodeHarness.RunOne(OpType.Where, Tensor.FromArray(c, sc), Tensor.FromArray(x, sx), Tensor.FromArray(y, sy));
            Assert.Equal(shape, got.Shape.ToArray());
            var want = new T[Count(shape)];
            for (int i = 0; i < want.Length; i++)
                want[i] = c[SourceIndex(i, shape, sc)] ? x[SourceIndex(i, shape, sx)] : y[SourceIndex(i, shape, sy)];
            Assert.Equal(want, got.ToArray<T>());
        }
        Check(new[] { 1f, 2f, 3f }, Floats(12, 1));
        Check(new[] { 1.0, 2, 3 }, Floats(12, 1).Select(v => (double)v).ToArray());
        Check(new long[] { 1, 2, 3 }, Enumerable.Range(10, 12).Select(v => (long)v).ToArray());
        Check(new short[] { 1, 2, 3 }, Enumerable.Range(10, 12).Select(v => (short)v).ToArray());
        Check(new[] { true, false, true }, Enumerable.Range(0, 12).Select(v => v % 2 == 0).ToArray());
        // Long contiguous condition runs (the vectorized path): an attention-style mask over rows, y broadcast.
        sc = [1, 1, 37];
        sx = [2, 3, 37];
        sy = [];
        c = Enumerable.Range(0, 37).Select(i => i % 5 != 0).ToArray();
        shape = BroadcastShape(sc, sx, sy);
        Check(Floats(2 * 3 * 37, 4), [float.NegativeInfinity]);
        Check(Enumerable.Range(0, 222).ToArray(), [-7]);
        sy = [2, 3, 37];
        sx = [];
        Check([5f], Floats(222, 5));
        // Scalars and same shapes.
        Assert.Equal([5, 9], NodeHarness.RunOne(OpType.Where, Tensor.FromArray(new[] { true, false }, 2), Tensor.Scalar(5), Tensor.Scalar(9)).ToArray<int>());
        Assert.Equal([1, 20], NodeHarness.RunOne(OpType.Where, Tensor.FromArray(new[] { true, false }, 2), Tensor.FromArray(new[] { 1, 2 }, 2), Tensor.FromArray(new[] { 10, 20 }, 2)).ToArray<int>());
        Assert.Equal([0, 2], NodeHarness.RunOne(OpType.Where, Tensor.FromArray(Array.Empty<bool>(), 0, 2), Tensor.Scalar(5), Tensor.Scalar(9)).Shape.ToArray());
    }

    [Fact]
    public void IsNaNAndIsInf()
    {
        var x = new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, 3e38f, -1e-45f };
        var t = Tensor.FromArray(x, 6);
        Assert.Equal(x.Select(float.IsNaN).ToArray(), NodeHarness.RunOne(OpType.IsNaN, t).ToArray<bool>());
        Assert.Equal(x.Select(float.IsInfinity).ToArray(), NodeHarness.RunOne(OpType.IsInf, t).ToArray<bool>());
        Assert.Equal(x.Select(float.IsPositiveInfinity).ToArray(), NodeHarness.RunOne(OpType.IsInf, [Int("detect_negative", 0)], t).ToArray<bool>());
        Assert.Equal(x.Select(float.IsNegativeInfinity).ToArray(), NodeHarness.RunOne(OpType.IsInf, [Int("detect_positive", 0)], t).ToArray<bool>());
        Assert.Equal([true, false], NodeHarness.RunOne(OpType.IsNaN, Tensor.FromArray(new[] { double.NaN, 1.0 }, 2)).ToArray<bool>());
    }

    [Fact]
    public void CastFloatToIntegersOutOfRangeAsOnnxRuntimeOnX64()
    {
        // Observed with ONNX Runtime 1.31.1 (linux-x64 CPU provider) on these inputs.
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 3e9f, -3e9f, 1e20f, -2.5f, 2.5f, 300f, 2147483648f, -1f, 70000f];
        var t = Tensor.FromArray(x, 3, 4);
        Tensor Cast(DataType to) => NodeHarness.RunOne(OpType.Cast, [Int("to", (long)to)], t);
        Assert.Equal([0, 0, 0, 0, 0, 0, -2, 2, 44, 0, -1, 112], Cast(DataType.Int8).ToArray<sbyte>().Select(v => (int)v));
        Assert.Equal([0, 0, 0, 0, 0, 0, 254, 2, 44, 0, 255, 112], Cast(DataType.UInt8).ToArray<byte>().Select(v => (int)v));
        Assert.Equal([0, 0, 0, 0, 0, 0, -2, 2, 300, 0, -1, 4464], Cast(DataType.Int16).ToArray<short>().Select(v => (int)v));
        Assert.Equal([0, 0, 0, 0, 0, 0, 65534, 2, 300, 0, 65535, 4464], Cast(DataType.UInt16).ToArray<ushort>().Select(v => (int)v));
        int m = int.MinValue;
        Assert.Equal([m, m, m, m, m, m, -2, 2, 300, m, -1, 70000], Cast(DataType.Int32).ToArray<int>());
        Assert.Equal([2147483648u, 0, 2147483648u, 3000000000u, 2147483648u, 0, 4294967294u, 2, 300, 2147483648u, 4294967295u, 70000], Cast(DataType.UInt32).ToArray<uint>());
        long l = long.MinValue;
        Assert.Equal([l, l, l, 3000000000L, -3000000000L, l, -2, 2, 300, 2147483648L, -1, 70000], Cast(DataType.Int64).ToArray<long>());
        Assert.Equal([9223372036854775808UL, 0, 9223372036854775808UL, 3000000000UL, 18446744070709551616UL, 0, 18446744073709551614UL, 2, 300, 2147483648UL, 18446744073709551615UL, 70000],
            Cast(DataType.UInt64).ToArray<ulong>());
        Assert.All(Cast(DataType.Bool).ToArray<bool>(), Assert.True);
    }

    [Fact]
    public void CastEveryPairOfTypes()
    {
        DataType[] types = [DataType.Float32, DataType.Float64, DataType.Int8, DataType.UInt8, DataType.Int16, DataType.UInt16,
            DataType.Int32, DataType.UInt32, DataType.Int64, DataType.UInt64, DataType.Bool];
        foreach (var from in types)
        {
            var (src, exact) = SourceValues(from);
            foreach (var to in types.Append(DataType.Float16).Append(DataType.BFloat16))
            {
                var y = NodeHarness.RunOne(OpType.Cast, [Int("to", (long)to)], src);
                Assert.Equal(Graph_ComputeType(to), y.Type);
                var want = exact.Select(v => Expected(v, from, to)).ToArray();
                var got = ReadAsDouble(y);
                for (int i = 0; i < want.Length; i++)
                    if (!(got[i] == want[i] || (double.IsNaN(got[i]) && double.IsNaN(want[i]))))
                        Assert.Fail($"Cast {from.ShortName()}→{to.ShortName()} of {exact[i]:R}: got {got[i]:R}, expected {want[i]:R}");
            }
        }
    }

    [Fact]
    public void CastRoundsThroughHalfPrecisionAndInt64ToFloatRoundsOnce()
    {
        var x = new[] { 1.0009765625f + 1e-4f, 65519f, 65520f, 1e-8f, float.NaN, 1.00390625f, 1.01171875f, 3.0000001f };
        var h = NodeHarness.RunOne(OpType.Cast, [Int("to", (long)DataType.Float16)], Tensor.FromArray(x, 8)).ToArray<float>();
        Assert.Equal(x.Select(v => (float)(Half)v).ToArray(), h);
        Assert.Equal(float.PositiveInfinity, h[2]);
        var b = NodeHarness.RunOne(OpType.Cast, [Int("to", (long)DataType.BFloat16)], Tensor.FromArray(x, 8)).ToArray<float>();
        Assert.Equal(1.0f, b[5]); // 1 + 2^-8 is a tie: to even.
        Assert.Equal(1.015625f, b[6]); // 1 + 3·2^-8 is a tie: to even (upward).
        Assert.True(float.IsNaN(b[4]));
        // 2^60 + 2^36 + 1 is just above a float midpoint; rounding through double would land on the even side.
        long v = (1L << 60) + (1L << 36) + 1;
        Assert.Equal((float)((1L << 60) + (1L << 37)), NodeHarness.RunOne(OpType.Cast, [Int("to", (long)DataType.Float32)], Tensor.Scalar(v)).ToArray<float>()[0]);
    }

    [Fact]
    public void CastLikeTakesTheTypeOfItsSecondInput()
    {
        var x = Tensor.FromArray(new[] { 1.7f, -2.7f, 300.5f }, 3);
        Assert.Equal([1, -2, 300], NodeHarness.RunOne(OpType.CastLike, x, Tensor.FromArray(new int[1], 1)).ToArray<int>());
        Assert.Equal(new[] { 1.7, -2.7, 300.5 }.Select(d => (double)(float)d).ToArray(), NodeHarness.RunOne(OpType.CastLike, x, Tensor.Scalar(0.0)).ToArray<double>());
        // A float16 "like" input (declared f16, fed as f32 inside): values round through Half.
        var like = Tensor.FromArray(new Half[] { (Half)0 }, 1);
        var y = NodeHarness.Run(OpType.CastLike, [x, like], constants: false)[0];
        Assert.Equal(new[] { 1.7f, -2.7f, 300.5f }.Select(f => (float)(Half)f).ToArray(), y.ToArray<float>());
    }

    private static DataType Graph_ComputeType(DataType t) => t is DataType.Float16 or DataType.BFloat16 ? DataType.Float32 : t;

    private static (Tensor Tensor, double[] Exact) SourceValues(DataType t)
    {
        double[] v = t switch
        {
            DataType.Float32 or DataType.Float64 => [0, -0.0, 1.5, -1.5, 2.75, -100.99, 127.9, 0.3, 65504, -7e-3],
            DataType.Bool => [0, 1, 1, 0],
            DataType.UInt8 => [0, 1, 255, 128, 77],
            DataType.Int8 => [0, -1, 127, -128, 77],
            DataType.UInt16 => [0, 1, 65535, 32768, 300],
            DataType.Int16 => [0, -1, 32767, -32768, 300],
            DataType.UInt32 => [0, 1, 4294967295, 2147483648, 70000],
            DataType.Int32 => [0, -1, 2147483647, -2147483648, -70000],
            DataType.UInt64 => [0, 1, 18446744073709549568.0, 9223372036854775808.0, 16777217],
            _ => [0, -1, 9223372036854774784.0, -9223372036854775808.0, -16777217],
        };
        Tensor tensor = t switch
        {
            DataType.Float32 => Tensor.FromArray(v.Select(d => (float)d).ToArray(), v.Length),
            DataType.Float64 => Tensor.FromArray(v, v.Length),
            DataType.Bool => Tensor.FromArray(v.Select(d => d != 0).ToArray(), v.Length),
            DataType.UInt8 => Tensor.FromArray(v.Select(d => (byte)d).ToArray(), v.Length),
            DataType.Int8 => Tensor.FromArray(v.Select(d => (sbyte)d).ToArray(), v.Length),
            DataType.UInt16 => Tensor.FromArray(v.Select(d => (ushort)d).ToArray(), v.Length),
            DataType.Int16 => Tensor.FromArray(v.Select(d => (short)d).ToArray(), v.Length),
            DataType.UInt32 => Tensor.FromArray(v.Select(d => (uint)d).ToArray(), v.Length),
            DataType.Int32 => Tensor.FromArray(v.Select(d => (int)d).ToArray(), v.Length),
            DataType.UInt64 => Tensor.FromArray(v.Select(d => (ulong)d).ToArray(), v.Length),
            _ => Tensor.FromArray(v.Select(d => (long)d).ToArray(), v.Length),
        };
        if (t == DataType.Float32)
            v = v.Select(d => (double)(float)d).ToArray();
        return (tensor, v);
    }

    // Exact source value → target: truncate and wrap for integers (in-range floats only here), round for floats.
    private static double Expected(double v, DataType from, DataType to)
    {
        if (to == DataType.Bool)
            return v != 0 ? 1 : 0;
        if (to is DataType.Float32 or DataType.Float16 or DataType.BFloat16 or DataType.Float64)
        {
            double r = to == DataType.Float64 ? v : (float)v;
            if (to == DataType.Float16)
                r = (float)(Half)(float)r;
            if (to == DataType.BFloat16)
                r = BFloat16(r);
            return r;
        }
        var i = (Int128)Math.Truncate(v);
        return to switch
        {
            DataType.Int8 => (sbyte)i,
            DataType.UInt8 => (byte)i,
            DataType.Int16 => (short)i,
            DataType.UInt16 => (ushort)i,
            DataType.Int32 => (int)i,
            DataType.UInt32 => (uint)i,
            DataType.Int64 => (long)i,
            _ => (ulong)i,
        };
    }

    // Nearest bf16 (ties to even), written as "pick the closer of the two neighbours".
    private static double BFloat16(double v)
    {
        float f = (float)v;
        uint bits = BitConverter.SingleToUInt32Bits(f);
        float down = BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000u);
        float up = BitConverter.UInt32BitsToSingle((bits & 0xFFFF0000u) + 0x10000u);
        double dd = Math.Abs(f - (double)down), du = Math.Abs((double)up - f);
        return dd < du ? down : du < dd ? up : ((BitConverter.SingleToUInt32Bits(down) >> 16) & 1) == 0 ? down : up;
    }

    private static double[] ReadAsDouble(Tensor t) => t.Type switch
    {
        DataType.Float32 => t.ToArray<float>().Select(v => (double)v).ToArray(),
        DataType.Float64 => t.ToArray<double>(),
        DataType.Bool => t.ToArray<bool>().Select(v => v ? 1.0 : 0).ToArray(),
        DataType.UInt8 => t.ToArray<byte>().Select(v => (double)v).ToArray(),
        DataType.Int8 => t.ToArray<sbyte>().Select(v => (double)v).ToArray(),
        DataType.UInt16 => t.ToArray<ushort>().Select(v => (double)v).ToArray(),
        DataType.Int16 => t.ToArray<short>().Select(v => (double)v).ToArray(),
        DataType.UInt32 => t.ToArray<uint>().Select(v => (double)v).ToArray(),
        DataType.Int32 => t.ToArray<int>().Select(v => (double)v).ToArray(),
        DataType.UInt64 => t.ToArray<ulong>().Select(v => (double)v).ToArray(),
        _ => t.ToArray<long>().Select(v => (double)v).ToArray(),
    };

    private static void CheckCompare<T>(OpType op, int[] sa, T[] a, int[] sb, T[] b, Func<T, T, bool> f) where T : unmanaged
    {
        var y = NodeHarness.RunOne(op, Tensor.FromArray(a, sa), Tensor.FromArray(b, sb));
        Assert.Equal(DataType.Bool, y.Type);
        var shape = BroadcastShape(sa, sb);
        Assert.Equal(shape, y.Shape.ToArray());
        var got = y.ToArray<bool>();
        for (int i = 0; i < got.Length; i++)
            Assert.True(got[i] == f(a[SourceIndex(i, shape, sa)], b[SourceIndex(i, shape, sb)]), $"{op} element {i}");
    }
}
