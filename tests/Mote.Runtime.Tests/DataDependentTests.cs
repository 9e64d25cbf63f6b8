using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

public class DataDependentTests
{
    public static TheoryData<DataType> Types() => [.. MoveTypes];

    [Theory]
    [MemberData(nameof(Types))]
    public void CompressAlongAnAxisAndFlattened(DataType type)
    {
        var x = Random(type, [3, 4, 2], 2);
        bool[] cond = [true, false, true, true];
        for (int axis = -3; axis < 3; axis++)
        {
            int a = axis < 0 ? axis + 3 : axis;
            var c = cond[..Math.Min(cond.Length, x.Shape[a])];
            var kept = Enumerable.Range(0, c.Length).Where(i => c[i]).ToArray();
            var outShape = x.Shape.ToArray();
            outShape[a] = kept.Length;
            var y = OpRunner.Single(OpType.Compress, [x, Const(Tensor.FromArray(c, c.Length))], Attr("axis", (long)axis));
            OpRunner.AssertSame(Map(x, outShape, o =>
            {
                var s = (int[])o.Clone();
                s[a] = kept[o[a]];
                return s;
            }), y, $"axis {axis}");
        }
        bool[] flat = Enumerable.Range(0, 30).Select(i => i % 3 != 1).ToArray();
        var keptFlat = Enumerable.Range(0, 24).Where(i => flat[i]).ToArray();
        var f = OpRunner.Single(OpType.Compress, [x, Const(Tensor.FromArray(flat, 30))]);
        var xf = Tensor.FromBytes(type, x.Memory, 24);
        OpRunner.AssertSame(Map(xf, [keptFlat.Length], o => [keptFlat[o[0]]]), f);
    }

    [Fact]
    public void CompressWithARunTimeConditionRunsDynamically()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 4);
        var y = OpRunner.Run(OpType.Compress, [x, Tensor.FromArray(new[] { true, false, false, true }, 4)], 1, false)[0];
        Assert.Equal([2], y.Shape.ToArray());
        Assert.Equal(new float[] { 1, 4 }, y.ToArray<float>());
    }

    [Fact]
    public void NonZeroListsCoordinatesInRowMajorOrder()
    {
        var x = Tensor.FromArray(new float[] { 0, 1.5f, -0f, float.NaN, 0, -2, 0, 0, 3, 0, 0, 0 }, 2, 3, 2);
        var y = OpRunner.Single(OpType.NonZero, [Const(x)]);
        var v = x.ToArray<float>();
        var expected = All([2, 3, 2]).Where(i => v[Offset(i, [2, 3, 2])] != 0).ToArray();
        Assert.Equal([3, expected.Length], y.Shape.ToArray());
        var got = y.ToArray<long>();
        for (int d = 0; d < 3; d++)
            for (int j = 0; j < expected.Length; j++)
                Assert.Equal(expected[j][d], got[d * expected.Length + j]);
        var b = OpRunner.Single(OpType.NonZero, [Const(Tensor.FromArray(new[] { false, true, true, false, true }, 5))]);
        Assert.Equal([1L, 2, 4], b.ToArray<long>());
        var none = OpRunner.Single(OpType.NonZero, [Const(Tensor.FromArray(new long[6], 2, 3))]);
        Assert.Equal([2, 0], none.Shape.ToArray());
        var s = OpRunner.Single(OpType.NonZero, [Const(Tensor.Scalar(4))]);
        Assert.Equal([1, 1], s.Shape.ToArray());
        var dynamic = OpRunner.Run(OpType.NonZero, [Tensor.FromArray(new float[] { 0, 7, 0, 8 }, 4)], 1, false)[0];
        Assert.Equal([1L, 3], dynamic.ToArray<long>());
    }

    [Fact]
    public void UniqueFlattenedSortedAndUnsorted()
    {
        var values = new float[] { 2, 1, 1, 3, 4, 3, float.NaN, -0f, 0, float.NaN };
        foreach (long sorted in new long[] { 1, 0 })
        {
            var ys = OpRunner.RunBoth(OpType.Unique, [Const(Tensor.FromArray(values, 2, 5))], 4, Attr("sorted", sorted));
            // Reference: distinct by numeric equality (NaNs together), first occurrences, then order.
            var groups = new List<(float V, int First, int Count)>();
            var inverse = new int[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                int g = groups.FindIndex(e => e.V == values[i] || (float.IsNaN(e.V) && float.IsNaN(values[i])));
                if (g < 0)
                {
                    groups.Add((values[i], i, 0));
                    g = groups.Count - 1;
                }
                groups[g] = groups[g] with { Count = groups[g].Count + 1 };
                inverse[i] = g;
            }
            var order = Enumerable.Range(0, groups.Count).ToList();
            if (sorted == 1)
                order = [.. order.OrderBy(g => float.IsNaN(groups[g].V) ? float.PositiveInfinity : groups[g].V).ThenBy(g => float.IsNaN(groups[g].V))];
            Assert.Equal(order.Select(g => groups[g].V).ToArray(), ys[0].ToArray<float>());
            Assert.Equal(order.Select(g => (long)groups[g].First).ToArray(), ys[1].ToArray<long>());
            Assert.Equal(inverse.Select(g => (long)order.IndexOf(g)).ToArray(), ys[2].ToArray<long>());
            Assert.Equal(order.Select(g => (long)groups[g].Count).ToArray(), ys[3].ToArray<long>());
        }
    }

    [Fact]
    public void UniqueSlicesAlongAnAxis()
    {
        // Rows 0 and 2 are equal; columns 0 and 1 are equal.
        var x = Tensor.FromArray(new long[] { 1, 1, 0, 2, 2, 5, 1, 1, 0 }, 3, 3);
        var rows = OpRunner.RunBoth(OpType.Unique, [Const(x)], 4, Attr("axis", 0L));
        Assert.Equal([1L, 1, 0, 2, 2, 5], rows[0].ToArray<long>());
        Assert.Equal([2, 3], rows[0].Shape.ToArray());
        Assert.Equal([0L, 1], rows[1].ToArray<long>());
        Assert.Equal([0L, 1, 0], rows[2].ToArray<long>());
        Assert.Equal([2L, 1], rows[3].ToArray<long>());
        var cols = OpRunner.RunBoth(OpType.Unique, [Const(x)], 4, Attr("axis", -1L), Attr("sorted", 1L));
        // Column 2 = (0,5,0) sorts before columns 0/1 = (1,2,1).
        Assert.Equal([0L, 1, 5, 2, 0, 1], cols[0].ToArray<long>());
        Assert.Equal([2L, 0], cols[1].ToArray<long>());
        Assert.Equal([1L, 1, 0], cols[2].ToArray<long>());
        Assert.Equal([1L, 2], cols[3].ToArray<long>());
        var b = OpRunner.RunBoth(OpType.Unique, [Const(Tensor.FromArray(new[] { true, false, true }, 3))], 1);
        Assert.Equal([0, 1], b[0].Memory.ToArray());
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void ReverseSequenceBothLayouts(DataType type)
    {
        foreach (var (batchAxis, timeAxis) in new[] { (1, 0), (0, 1) })
        {
            int batch = 4, steps = 5;
            int[] shape = batchAxis == 0 ? [batch, steps, 2, 3] : [steps, batch, 2, 3];
            var x = Random(type, shape, batchAxis);
            long[] lens = [5, 0, 1, 3];
            var y = OpRunner.Single(OpType.ReverseSequence, [x, Tensor.FromArray(lens, 4)], Attr("batch_axis", (long)batchAxis), Attr("time_axis", (long)timeAxis));
            OpRunner.AssertSame(Map(x, shape, o =>
            {
                var s = (int[])o.Clone();
                int b = o[batchAxis], t = o[timeAxis];
                if (t < lens[b])
                    s[timeAxis] = (int)lens[b] - 1 - t;
                return s;
            }), y, $"batch_axis {batchAxis}");
        }
    }
}
