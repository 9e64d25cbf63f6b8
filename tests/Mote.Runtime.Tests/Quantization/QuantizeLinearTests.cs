using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.QuantRunner;

namespace Mote.Runtime.Tests;

/// <summary>QuantizeLinear through sessions against <see cref="QuantReference.Quantize"/>: shapes, granularities, types and edge values.</summary>
public class QuantizeLinearTests
{
    private static readonly DataType[] OutTypes = [DataType.UInt8, DataType.Int8, DataType.UInt16, DataType.Int16];

    private static readonly float[] Edge =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f,
        127.5f, 128.5f, -128.5f, -129.5f, 254.5f, 255.5f, 256f, 32767.5f, -32768.5f, 65535.5f, 65536f, 1e20f, -1e20f,
    ];

    /// <summary>Random values of a few hundred steps of <paramref name="scale"/>, with edge values (in units of scale) mixed in.</summary>
    private static float[] Data(int n, int seed, float scale)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = i % 5 == 0 ? Edge[rng.Next(Edge.Length)] * scale : (float)(rng.NextDouble() * 600 - 300) * scale;
        return x;
    }

    public static TheoryData<int[]> Shapes() => new() { Array.Empty<int>(), new[] { 1 }, new[] { 7 }, new[] { 3, 5 }, new[] { 2, 0, 3 }, new[] { 257 }, new[] { 2, 3, 1, 4, 3 }, new[] { 1003 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PerTensor_AllTypes(int[] shape)
    {
        int n = QuantReference.Count(shape);
        foreach (var type in OutTypes)
        {
            var (lo, hi) = QuantReference.Range(type);
            foreach (var (scale, zero) in new[] { (1f, 0), (0.5f, hi), (0.0137f, lo), (-2f, (lo + hi) / 2 + 1) })
            {
                var x = Data(n, n + zero, Math.Abs(scale));
                var y = Single(OpType.QuantizeLinear, [Live(Tensor.FromArray(x, shape)), Const(Tensor.FromArray([scale])), Const(QuantReference.Ints(type, [zero]))]);
                var expected = x.Select(v => QuantReference.Quantize(v, scale, zero, type)).ToArray();
                QuantReference.AssertInts(type, expected, shape, y, $"{type} scale {scale} zero {zero} shape [{string.Join(",", shape)}]");
            }
        }
    }

    [Fact]
    public void ScaleAndZeroPointFedAtRunTime()
    {
        var x = Data(300, 1, 0.1f);
        var y = Single(OpType.QuantizeLinear, [Live(Tensor.FromArray(x, 300)), Live(Tensor.FromArray([0.1f], 1)), Live(QuantReference.Ints(DataType.Int8, [-5], 1))]);
        QuantReference.AssertInts(DataType.Int8, x.Select(v => QuantReference.Quantize(v, 0.1f, -5, DataType.Int8)).ToArray(), [300], y, "int8");
    }

    [Fact]
    public void DefaultsToUInt8WithoutZeroPoint_AndOutputDtypeChoosesTheType()
    {
        var x = Data(40, 2, 1f);
        var y = Single(OpType.QuantizeLinear, [Live(Tensor.FromArray(x, 40)), Const(Tensor.FromArray([1f]))]);
        QuantReference.AssertInts(DataType.UInt8, x.Select(v => QuantReference.Quantize(v, 1f, 0, DataType.UInt8)).ToArray(), [40], y, "uint8 default");
        foreach (var type in OutTypes)
        {
            y = Single(OpType.QuantizeLinear, [Live(Tensor.FromArray(x, 40)), Const(Tensor.FromArray([1f]))], AttributeDef.FromInt("output_dtype", (long)type));
            QuantReference.AssertInts(type, x.Select(v => QuantReference.Quantize(v, 1f, 0, type)).ToArray(), [40], y, $"output_dtype {type}");
        }
        var e = Fails(OpType.QuantizeLinear, [Live(Tensor.FromArray(x, 40)), Const(Tensor.FromArray([1f])), Const(QuantReference.Ints(DataType.Int8, [0]))],
            AttributeDef.FromInt("output_dtype", (long)DataType.UInt8));
        Assert.Contains("output_dtype", e.Message);
        e = Fails(OpType.QuantizeLinear, [Live(Tensor.FromArray(x, 40)), Const(Tensor.FromArray([1f]))], AttributeDef.FromInt("output_dtype", 17));
        Assert.IsType<MoteNotSupportedException>(e);
        Assert.Contains("float8e4m3fn", e.Message);
    }

    [Fact]
    public void Int32Input()
    {
        int[] x = [0, 1, -1, 3, 5, -5, 1000, -1000, int.MaxValue, int.MinValue, 7, 9];
        var y = Single(OpType.QuantizeLinear, [Live(Tensor.FromArray(x, 12)), Const(Tensor.FromArray([2f])), Const(QuantReference.Ints(DataType.Int8, [1]))]);
        QuantReference.AssertInts(DataType.Int8, x.Select(v => QuantReference.Quantize(v, 2f, 1, DataType.Int8)).ToArray(), [12], y, "int32 x");
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, 1)]
    [InlineData(new[] { 2, 3, 4 }, -1)]
    [InlineData(new[] { 5, 3 }, 0)]
    [InlineData(new[] { 3, 1, 37 }, 2)]
    [InlineData(new[] { 1, 17, 19 }, 1)]
    public void PerAxis(int[] shape, int axis)
    {
        int a = axis < 0 ? axis + shape.Length : axis, n = QuantReference.Count(shape), inner = QuantReference.Count(shape[(a + 1)..]);
        foreach (var type in OutTypes)
        {
            var (lo, hi) = QuantReference.Range(type);
            var rng = new Random(n);
            var scales = Enumerable.Range(0, shape[a]).Select(i => i % 3 == 0 ? -0.25f : (float)(rng.NextDouble() + 0.01)).ToArray();
            var zeros = Enumerable.Range(0, shape[a]).Select(_ => rng.Next(lo, hi + 1)).ToArray();
            var x = Data(n, a, 0.5f);
            var y = Single(OpType.QuantizeLinear, [Live(Tensor.FromArray(x, shape)), Const(Tensor.FromArray(scales, shape[a])), Const(QuantReference.Ints(type, zeros, shape[a]))],
                AttributeDef.FromInt("axis", axis));
            var expected = x.Select((v, i) => { int c = i / inner % shape[a]; return QuantReference.Quantize(v, scales[c], zeros[c], type); }).ToArray();
            QuantReference.AssertInts(type, expected, shape, y, $"{type} axis {axis}");
        }
    }

    [Theory]
    [InlineData(new[] { 3, 5 }, 1, 2)]
    [InlineData(new[] { 4, 3 }, 0, 3)]
    [InlineData(new[] { 2, 6, 3 }, 1, 4)]
    [InlineData(new[] { 2, 40 }, -1, 16)]
    [InlineData(new[] { 1, 7 }, 1, 7)]
    [InlineData(new[] { 3, 5 }, 1, 9)]
    public void Blocked(int[] shape, int axis, int block)
    {
        int a = axis < 0 ? axis + shape.Length : axis, n = QuantReference.Count(shape);
        var sShape = (int[])shape.Clone();
        sShape[a] = (shape[a] + block - 1) / block;
        var xStrides = QuantReference.Strides(shape);
        var sStrides = QuantReference.Strides(sShape);
        foreach (var type in OutTypes)
        {
            var (lo, hi) = QuantReference.Range(type);
            var rng = new Random(n * block);
            int sn = QuantReference.Count(sShape);
            var scales = Enumerable.Range(0, sn).Select(_ => (float)(rng.NextDouble() + 0.01)).ToArray();
            var zeros = Enumerable.Range(0, sn).Select(_ => rng.Next(lo, hi + 1)).ToArray();
            var x = Data(n, block, 0.7f);
            foreach (bool withZero in new[] { true, false })
            {
                var y = Single(OpType.QuantizeLinear,
                    [Live(Tensor.FromArray(x, shape)), Const(Tensor.FromArray(scales, sShape)), withZero ? Const(QuantReference.Ints(type, zeros, sShape)) : null],
                    AttributeDef.FromInt("axis", axis), AttributeDef.FromInt("block_size", block), AttributeDef.FromInt("output_dtype", (long)type));
                var expected = new int[n];
                for (int i = 0; i < n; i++)
                {
                    int si = 0;
                    for (int d = 0; d < shape.Length; d++)
                    {
                        int idx = i / xStrides[d] % shape[d];
                        si += (d == a ? idx / block : idx) * sStrides[d];
                    }
                    expected[i] = QuantReference.Quantize(x[i], scales[si], withZero ? zeros[si] : 0, type);
                }
                QuantReference.AssertInts(type, expected, shape, y, $"{type} blocked axis {axis} block {block} zero {withZero}");
            }
        }
    }

    [Fact]
    public void RejectsZeroOrNaNScaleWhenRunning()
    {
        var x = Tensor.FromArray(new[] { 1f, 2f, 3f }, 3);
        foreach (float bad in new[] { 0f, -0f, float.NaN })
        {
            var e = Fails(OpType.QuantizeLinear, [Live(x), Live(Tensor.FromArray([bad], 1))]);
            Assert.IsType<MoteExecutionException>(e);
            Assert.Contains("y_scale", e.Message);
            Assert.Contains("undefined", e.Message);
        }
        var perAxis = Fails(OpType.QuantizeLinear, [Live(Tensor.FromArray(new float[6], 2, 3)), Const(Tensor.FromArray([1f, 0f, 1f], 3))]);
        Assert.Contains("y_scale[1]", perAxis.Message);
    }

    [Fact]
    public void RejectsParametersThatDoNotFit()
    {
        var x = Tensor.FromArray(new float[12], 3, 4);
        Is<MoteShapeException>(Fails(OpType.QuantizeLinear, [Live(x), Const(Tensor.FromArray(new float[3], 3))], AttributeDef.FromInt("axis", 1)));
        Is<MoteShapeException>(Fails(OpType.QuantizeLinear, [Live(x), Const(Tensor.FromArray(new float[4], 4)), Const(QuantReference.Ints(DataType.UInt8, [1, 2, 3], 3))]));
        Is<MoteShapeException>(Fails(OpType.QuantizeLinear, [Live(x), Const(Tensor.FromArray(new float[6], 3, 2))], AttributeDef.FromInt("block_size", 1)));
        Is<MoteShapeException>(Fails(OpType.QuantizeLinear, [Live(x), Const(Tensor.FromArray(new float[4], 4))], AttributeDef.FromInt("axis", 2)));
        Is<MoteNotSupportedException>(Fails(OpType.QuantizeLinear, [Live(Tensor.FromArray(new double[2], 2)), Const(Tensor.FromArray([1f]))]));
    }

    private static void Is<T>(MoteException e) where T : MoteException =>
        Assert.True(e is T, $"expected {typeof(T).Name}, got {e.GetType().Name}: {e.Message}");
}
