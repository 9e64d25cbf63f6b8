using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

public class GatherTests
{
    public static TheoryData<DataType> Types() => [.. MoveTypes];

    private static Tensor Indices(bool wide, long[] values, params int[] shape) =>
        wide ? Tensor.FromArray(values, shape) : Tensor.FromArray(values.Select(v => (int)v).ToArray(), shape);

    private static Tensor GatherReference(Tensor x, long[] idx, int[] idxShape, int axis)
    {
        var xs = x.Shape.ToArray();
        int n = xs[axis];
        var outShape = xs[..axis].Concat(idxShape).Concat(xs[(axis + 1)..]).ToArray();
        return Map(x, outShape, o =>
        {
            var j = Offset(o[axis..(axis + idxShape.Length)], idxShape);
            long v = idx[j] < 0 ? idx[j] + n : idx[j];
            return o[..axis].Append((int)v).Concat(o[(axis + idxShape.Length)..]).ToArray();
        });
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void GatherAlongEveryAxisWithNegativeIndices(DataType type)
    {
        var x = Random(type, [4, 5, 3], 11);
        foreach (bool wide in new[] { true, false })
            for (int axis = -3; axis < 3; axis++)
            {
                int a = axis < 0 ? axis + 3 : axis;
                int n = x.Shape[a];
                long[] idx = [0, -1, n - 1, 1, -n, 0];
                var y = OpRunner.Single(OpType.Gather, [x, Indices(wide, idx, 2, 3)], Attr("axis", (long)axis));
                OpRunner.AssertSame(GatherReference(x, idx, [2, 3], a), y, $"axis {axis} wide {wide}");
            }
    }

    [Fact]
    public void ScalarIndexDropsTheAxisAndEmptyIndicesGiveEmptyOutput()
    {
        var x = Random(DataType.Int64, [3, 4], 2);
        var y = OpRunner.Single(OpType.Gather, [x, Tensor.FromArray(new long[] { -2 })], Attr("axis", 1L));
        OpRunner.AssertSame(GatherReference(x, [-2], [], 1), y);
        Assert.Equal([3], y.Shape.ToArray());
        var e = OpRunner.Single(OpType.Gather, [x, Tensor.FromArray(Array.Empty<long>(), 0, 2)]);
        Assert.Equal([0, 2, 4], e.Shape.ToArray());
        var v = OpRunner.Single(OpType.Gather, [Ints(7, 8, 9), Const(Tensor.FromArray(new long[] { 2 }))]);
        Assert.Equal([9L], v.ToArray<long>());
        Assert.Empty(v.Shape.ToArray());
    }

    [Fact]
    public void OutOfRangeIndexFails()
    {
        var x = Random(DataType.Float32, [3, 4], 2);
        var e = Assert.Throws<MoteExecutionException>(() => OpRunner.Run(OpType.Gather, [x, Ints(3)], 1, false));
        Assert.Contains("index 3 is out of range", e.Message);
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Gather, [x, Ints(-4)], 1, false));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void GatherElementsPicksAlongTheAxis(DataType type)
    {
        var x = Random(type, [3, 4, 2], 5);
        var rng = new Random(3);
        for (int axis = -3; axis < 3; axis++)
        {
            int a = axis < 0 ? axis + 3 : axis;
            int[] ishape = [2, 4, 2];
            ishape[a] = 5;
            var idx = Enumerable.Range(0, (int)Count(ishape)).Select(_ => (long)rng.Next(-x.Shape[a], x.Shape[a])).ToArray();
            var y = OpRunner.Single(OpType.GatherElements, [x, Indices(axis % 2 == 0, idx, ishape)], Attr("axis", (long)axis));
            var expected = Map(x, ishape, o =>
            {
                var s = (int[])o.Clone();
                long v = idx[Offset(o, ishape)];
                s[a] = (int)(v < 0 ? v + x.Shape[a] : v);
                return s;
            });
            OpRunner.AssertSame(expected, y, $"axis {axis}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void GatherNDWithBatchDims(int batch)
    {
        var x = Random(DataType.Float32, [2, 3, 4, 2], 8);
        var xs = x.Shape.ToArray();
        var rng = new Random(batch);
        foreach (int k in new[] { 1, 2 })
        {
            if (batch + k > 4)
                continue;
            int[] ishape = [.. xs[..batch], 3, k];
            var idx = new long[Count(ishape)];
            for (int i = 0; i < idx.Length; i++)
            {
                int dim = xs[batch + i % k];
                idx[i] = rng.Next(-dim, dim);
            }
            var outShape = ishape[..^1].Concat(xs[(batch + k)..]).ToArray();
            var expected = Map(x, outShape, o =>
            {
                var src = new int[4];
                o[..batch].CopyTo(src, 0);
                var tuple = o[..(ishape.Length - 1)];
                for (int j = 0; j < k; j++)
                {
                    long v = idx[Offset([.. tuple, j], ishape)];
                    src[batch + j] = (int)(v < 0 ? v + xs[batch + j] : v);
                }
                o[(ishape.Length - 1)..].CopyTo(src, batch + k);
                return src;
            });
            var y = OpRunner.Single(OpType.GatherND, [x, Tensor.FromArray(idx, ishape)], Attr("batch_dims", (long)batch));
            OpRunner.AssertSame(expected, y, $"batch {batch} k {k}");
        }
    }
}
