using System.Runtime.InteropServices;
using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

public class GeneratorTests
{
    [Fact]
    public void ConstantOfShapeDefaultsToFloatZero()
    {
        var y = OpRunner.Single(OpType.ConstantOfShape, [Const(Ints(2, 3))]);
        Assert.Equal(DataType.Float32, y.Type);
        Assert.Equal([2, 3], y.Shape.ToArray());
        Assert.All(y.ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ConstantOfShapeUsesTheValueTensorType()
    {
        var value = new TensorDef("v", DataType.Int64, [1], BitConverter.GetBytes(-5L));
        var y = OpRunner.Single(OpType.ConstantOfShape, [Const(Ints(3, 1, 2))], AttributeDef.FromTensor("value", value));
        Assert.Equal(Enumerable.Repeat(-5L, 6), y.ToArray<long>());
        var b = OpRunner.Single(OpType.ConstantOfShape, [Const(Ints(4))], AttributeDef.FromTensor("value", new TensorDef("v", DataType.Bool, [1], new byte[] { 1 })));
        Assert.Equal([1, 1, 1, 1], b.Memory.ToArray());
        var h = OpRunner.Single(OpType.ConstantOfShape, [Const(Ints(2))], AttributeDef.FromTensor("value", new TensorDef("v", DataType.Float16, [1], BitConverter.GetBytes((Half)1.5f))));
        Assert.Equal([1.5f, 1.5f], h.ToArray<float>());
        var s = OpRunner.Single(OpType.ConstantOfShape, [Const(Tensor.FromArray(Array.Empty<long>(), 0))], AttributeDef.FromTensor("value", new TensorDef("v", DataType.Int32, [1], BitConverter.GetBytes(7))));
        Assert.Empty(s.Shape.ToArray());
        Assert.Equal([7], s.ToArray<int>());
        Assert.Empty(OpRunner.Single(OpType.ConstantOfShape, [Const(Ints(3, 0))]).ToArray<float>());
    }

    public static TheoryData<double, double, double> RangeCases() => new()
    {
        { 0, 10, 3 }, { 10, 4, -2 }, { 1, 1, 1 }, { 5, 1, 1 }, { -3, 3, 1 }, { 0, 1, 0.3 }, { 2.5, -1, -0.75 },
    };

    [Theory]
    [MemberData(nameof(RangeCases))]
    public void RangeInFloatAndIntegerTypes(double start, double limit, double delta)
    {
        int n = (int)Math.Max(Math.Ceiling((limit - start) / delta), 0);
        var f = OpRunner.Single(OpType.Range, [Const(Tensor.Scalar((float)start)), Const(Tensor.Scalar((float)limit)), Const(Tensor.Scalar((float)delta))]);
        Assert.Equal(Enumerable.Range(0, n).Select(i => (float)start + i * (float)delta).ToArray(), f.ToArray<float>());
        if (start == Math.Floor(start) && limit == Math.Floor(limit) && delta == Math.Floor(delta))
        {
            var l = OpRunner.Single(OpType.Range, [Const(Tensor.Scalar((long)start)), Const(Tensor.Scalar((long)limit)), Const(Tensor.Scalar((long)delta))]);
            Assert.Equal(Enumerable.Range(0, n).Select(i => (long)start + i * (long)delta).ToArray(), l.ToArray<long>());
            var k = OpRunner.Single(OpType.Range, [Const(Tensor.Scalar((int)start)), Const(Tensor.Scalar((int)limit)), Const(Tensor.Scalar((int)delta))]);
            Assert.Equal(Enumerable.Range(0, n).Select(i => (int)start + i * (int)delta).ToArray(), k.ToArray<int>());
        }
    }

    [Fact]
    public void RangeWithRunTimeLimitsAndErrors()
    {
        Assert.Equal([0L, 1, 2, 3], OpRunner.Run(OpType.Range, [Tensor.Scalar(0L), new OpInput(Tensor.Scalar(4L)), Const(Tensor.Scalar(1L))], 1, false)[0].ToArray<long>());
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Range, [Tensor.Scalar(0L), Tensor.Scalar(4L), Tensor.Scalar(0L)], 1, true));
        var big = OpRunner.Single(OpType.Range, [Const(Tensor.Scalar(long.MinValue)), Const(Tensor.Scalar(long.MaxValue)), Const(Tensor.Scalar(long.MaxValue))]);
        Assert.Equal([long.MinValue, -1, long.MaxValue - 1], big.ToArray<long>());
    }

    [Fact]
    public void LargeOutputsRunAtRunTimeInsteadOfFolding()
    {
        // Above the planner's fold limit the node executes with the run.
        var r = OpRunner.Single(OpType.Range, [Const(Tensor.Scalar(3L)), Const(Tensor.Scalar(200_003L)), Const(Tensor.Scalar(2L))]);
        var v = r.ToArray<long>();
        Assert.Equal(100_000, v.Length);
        Assert.True(v.Select((x, i) => x == 3 + 2L * i).All(b => b));
        var c = OpRunner.Single(OpType.ConstantOfShape, [Const(Ints(300, 301))], AttributeDef.FromTensor("value", new TensorDef("v", DataType.Float32, [1], BitConverter.GetBytes(0.5f))));
        Assert.All(c.ToArray<float>(), x => Assert.Equal(0.5f, x));
    }

    [Fact]
    public void EyeLikeWithOffsetsAndTypes()
    {
        foreach (var (rows, cols) in new[] { (3, 3), (2, 5), (5, 2), (0, 3) })
            foreach (long k in new long[] { 0, 1, -1, 4, -6 })
            {
                var x = Random(DataType.Int64, [rows, cols], 1);
                var y = OpRunner.Single(OpType.EyeLike, [x], Attr("k", k));
                Assert.Equal(DataType.Int64, y.Type);
                var expected = new long[rows * cols];
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < cols; j++)
                        expected[i * cols + j] = j - i == k ? 1 : 0;
                Assert.Equal(expected, y.ToArray<long>());
                var f = OpRunner.Single(OpType.EyeLike, [x], Attr("k", k), Attr("dtype", (long)DataType.Float32));
                Assert.Equal(expected.Select(v => (float)v).ToArray(), f.ToArray<float>());
                var b = OpRunner.Single(OpType.EyeLike, [x], Attr("k", k), Attr("dtype", (long)DataType.Bool));
                Assert.Equal(expected.Select(v => (byte)v).ToArray(), b.Memory.ToArray());
            }
    }

    [Fact]
    public void OneHotOnEveryAxisWithNegativeAndOutOfRangeIndices()
    {
        var idx = Tensor.FromArray(new long[] { 0, -1, 3, 4, -5, 2 }, 2, 3);
        const int depth = 4;
        foreach (long axis in new long[] { -1, 0, 1, 2, -3 })
        {
            int a = (int)(axis < 0 ? axis + 3 : axis);
            int[] outShape = [2, 3];
            outShape = [.. outShape[..a], depth, .. outShape[a..]];
            var values = Tensor.FromArray(new float[] { -1, 5 }, 2);
            var y = OpRunner.Single(OpType.OneHot, [idx, Const(Tensor.FromArray(new[] { (float)depth }, 1)), values], Attr("axis", axis));
            var iv = idx.ToArray<long>();
            var expected = All(outShape).Select(o =>
            {
                int pos = o[a];
                var rest = o.Where((_, d) => d != a).ToArray();
                long v = iv[Offset(rest, [2, 3])];
                if (v < 0)
                    v += depth;
                return v == pos ? 5f : -1f;
            }).ToArray();
            Assert.Equal(outShape, y.Shape.ToArray());
            Assert.Equal(expected, y.ToArray<float>());
        }
        var i32 = OpRunner.Single(OpType.OneHot, [Tensor.FromArray(new[] { 1.7f, 0f }, 2), Const(Tensor.Scalar(3L)), Tensor.FromArray(new long[] { 0, 9 }, 2)]);
        Assert.Equal([0L, 9, 0, 9, 0, 0], i32.ToArray<long>());
    }

    public static TheoryData<DataType> Types() => [.. MoveTypes];

    [Theory]
    [MemberData(nameof(Types))]
    public void TriluKeepsOneTriangle(DataType type)
    {
        foreach (var shape in new[] { new[] { 4, 4 }, [3, 5], [2, 5, 3], [1, 0, 3], [2, 1, 1, 4] })
            foreach (long k in new long[] { 0, 1, -1, 3, -4, 100, -100 })
                foreach (long upper in new long[] { 0, 1 })
                {
                    var x = Random(type, shape, 3);
                    int rows = shape[^2];
                    var y = OpRunner.Single(OpType.Trilu, [x, Tensor.Scalar(k)], Attr("upper", upper));
                    var expected = Map(x, shape, o => (upper == 1 ? o[^1] - o[^2] >= k : o[^1] - o[^2] <= k) ? o : null);
                    OpRunner.AssertSame(expected, y, $"k {k} upper {upper} {ShapeText(shape)}");
                }
        var d = Random(type, [3, 3], 1);
        OpRunner.AssertSame(Map(d, [3, 3], o => o[1] >= o[0] ? o : null), OpRunner.Single(OpType.Trilu, [d]));
    }

    private static string ShapeText(int[] s) => "[" + string.Join(",", s) + "]";
}
