using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

public class TopKTests
{
    /// <summary>Stable sort of each line by value (descending for largest), ties by index, NaN above all; first k.</summary>
    private static (double[] Values, long[] Indices) Reference(double[] x, int[] shape, int axis, int k, bool largest)
    {
        var outShape = (int[])shape.Clone();
        outShape[axis] = k;
        var values = new double[Count(outShape)];
        var indices = new long[values.Length];
        foreach (var o in All(outShape))
        {
            if (o[axis] != 0)
                continue;
            var line = Enumerable.Range(0, shape[axis]).Select(j =>
            {
                var s = (int[])o.Clone();
                s[axis] = j;
                return (V: x[Offset(s, shape)], I: j);
            }).ToList();
            var sorted = largest
                ? line.OrderByDescending(e => double.IsNaN(e.V) ? double.PositiveInfinity : e.V).ThenByDescending(e => double.IsNaN(e.V)).ThenBy(e => e.I)
                : line.OrderBy(e => double.IsNaN(e.V) ? double.PositiveInfinity : e.V).ThenBy(e => double.IsNaN(e.V)).ThenBy(e => e.I);
            int j = 0;
            foreach (var e in sorted.Take(k))
            {
                var d = (int[])o.Clone();
                d[axis] = j++;
                values[Offset(d, outShape)] = e.V;
                indices[Offset(d, outShape)] = e.I;
            }
        }
        return (values, indices);
    }

    [Theory]
    [InlineData(new[] { 3, 8 }, -1)]
    [InlineData(new[] { 9, 2, 3 }, 0)]
    [InlineData(new[] { 2, 40, 3 }, 1)]
    [InlineData(new[] { 100 }, 0)]
    public void TopKFloatWithTiesAndNaN(int[] shape, int axis)
    {
        var rng = new Random(5);
        // Few distinct values so that ties are common; a NaN and infinities in the mix.
        var x = Enumerable.Range(0, (int)Count(shape)).Select(_ => (float)rng.Next(-3, 4)).ToArray();
        x[1] = float.NaN;
        x[^1] = float.PositiveInfinity;
        x[^2] = float.NegativeInfinity;
        int a = axis < 0 ? axis + shape.Length : axis;
        foreach (int k in new[] { 1, 2, shape[a] / 2, shape[a] })
            foreach (long largest in new long[] { 1, 0 })
            {
                var ys = OpRunner.RunBoth(OpType.TopK, [Tensor.FromArray(x, shape), Const(Ints(k))], 2, Attr("axis", (long)axis), Attr("largest", largest));
                var (ev, ei) = Reference(x.Select(v => (double)v).ToArray(), shape, a, k, largest == 1);
                Assert.Equal(ev.Select(v => (float)v).ToArray(), ys[0].ToArray<float>());
                Assert.Equal(ei, ys[1].ToArray<long>());
            }
    }

    [Fact]
    public void TopKIntegersAndZeroK()
    {
        var x = new long[] { 5, long.MinValue, 5, long.MaxValue, 0, -1, 5, 3 };
        var ys = OpRunner.RunBoth(OpType.TopK, [Tensor.FromArray(x, 2, 4), Const(Ints(3))], 2);
        var (ev, ei) = Reference(x.Select(v => (double)v).ToArray(), [2, 4], 1, 3, true);
        Assert.Equal(ev.Select(v => (long)v).ToArray(), ys[0].ToArray<long>());
        Assert.Equal(ei, ys[1].ToArray<long>());
        var u = OpRunner.RunBoth(OpType.TopK, [Random(DataType.UInt8, [3, 5], 1), Const(Ints(0))], 2);
        Assert.Equal([3, 0], u[0].Shape.ToArray());
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.TopK, [Random(DataType.Float32, [3], 1), Const(Ints(4))], 2, false));
    }
}
