using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>Reductions and ArgMax/ArgMin against a scalar reference that walks every input element.</summary>
public class ReduceTests
{
    private static readonly (OpType Op, string Kind)[] Kinds =
    [
        (OpType.ReduceSum, "sum"), (OpType.ReduceMean, "mean"), (OpType.ReduceMax, "max"), (OpType.ReduceMin, "min"),
        (OpType.ReduceProd, "prod"), (OpType.ReduceL1, "l1"), (OpType.ReduceL2, "l2"), (OpType.ReduceLogSum, "logsum"),
        (OpType.ReduceLogSumExp, "logsumexp"), (OpType.ReduceSumSquare, "sumsquare"),
    ];

    /// <summary>Reference: reduce x of <paramref name="shape"/> over <paramref name="axes"/> (normalized) in double.</summary>
    private static (double[] Values, int[] Shape) Expected(string kind, float[] x, int[] shape, bool[] reduced, bool keep)
    {
        var outShape = new List<int>();
        for (int i = 0; i < shape.Length; i++)
            if (!reduced[i])
                outShape.Add(shape[i]);
            else if (keep)
                outShape.Add(1);
        int outCount = outShape.Aggregate(1, (a, b) => a * b);
        var groups = Enumerable.Range(0, outCount).Select(_ => new List<double>()).ToArray();
        var strides = new int[shape.Length];
        for (int i = shape.Length - 1, acc = 1; i >= 0; i--)
        {
            strides[i] = reduced[i] ? 0 : acc;
            acc *= reduced[i] ? 1 : shape[i];
        }
        for (int flat = 0; flat < x.Length; flat++)
        {
            int rem = flat, o = 0;
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                o += rem % shape[i] * strides[i];
                rem /= shape[i];
            }
            groups[o].Add(x[flat]);
        }
        var r = groups.Select(g => kind switch
        {
            "sum" => g.Sum(),
            "mean" => g.Sum() / g.Count,
            "max" => g.Any(double.IsNaN) ? double.NaN : g.Count == 0 ? double.NegativeInfinity : g.Max(),
            "min" => g.Any(double.IsNaN) ? double.NaN : g.Count == 0 ? double.PositiveInfinity : g.Min(),
            "prod" => g.Aggregate(1.0, (a, b) => a * b),
            "l1" => g.Sum(Math.Abs),
            "l2" => Math.Sqrt(g.Sum(v => v * v)),
            "logsum" => Math.Log(g.Sum()),
            "logsumexp" => Math.Log(g.Sum(Math.Exp)),
            _ => g.Sum(v => v * v),
        }).ToArray();
        return (r, outShape.ToArray());
    }

    [Fact]
    public void EveryAxisSubsetOfARank4Tensor()
    {
        int[] shape = [2, 3, 4, 5];
        var x = Floats(Count(shape), 3, 0.5f, 1.5f);
        foreach (var (op, kind) in Kinds)
            for (int mask = 0; mask < 16; mask++)
                foreach (bool keep in new[] { true, false })
                {
                    var axes = Enumerable.Range(0, 4).Where(i => (mask >> i & 1) != 0).Select(i => (long)(i % 2 == 0 ? i : i - 4)).ToArray();
                    var reduced = Enumerable.Range(0, 4).Select(i => mask == 0 || (mask >> i & 1) != 0).ToArray();
                    var y = NodeHarness.RunBoth(op, [Tensor.FromArray(x, shape), Tensor.FromArray(axes, axes.Length)], 1, [Int("keepdims", keep ? 1 : 0)], exactFold: false, alwaysConstant: [1])[0];
                    var (want, wantShape) = Expected(kind, x, shape, reduced, keep);
                    Assert.Equal(wantShape, y.Shape.ToArray());
                    AssertClose(y.ToArray<float>(), want, 2e-6, 1e-30, $"{op} axes [{string.Join(",", axes)}] keepdims={keep}");
                }
    }

    [Fact]
    public void AbsentAxesReduceEverythingOrNothing()
    {
        var x = Floats(24, 4, -2, 2);
        var t = Tensor.FromArray(x, 2, 3, 4);
        foreach (var (op, kind) in Kinds)
        {
            var all = NodeHarness.RunBoth(op, [t], 1, [Int("keepdims", 0)], exactFold: false, alwaysConstant: [1])[0];
            Assert.Empty(all.Shape.ToArray());
            AssertClose(all.ToArray<float>(), Expected(kind, x, [2, 3, 4], [true, true, true], false).Values, 2e-6, 0, op + " all");
            var allEmptyAxes = NodeHarness.RunBoth(op, [t, Tensor.FromArray(Array.Empty<long>(), 0)], 1, exactFold: false, alwaysConstant: [1])[0];
            Assert.Equal([1, 1, 1], allEmptyAxes.Shape.ToArray());
            // noop_with_empty_axes: each element reduced on its own.
            var noop = NodeHarness.RunBoth(op, [t, Tensor.FromArray(Array.Empty<long>(), 0)], 1, [Int("noop_with_empty_axes", 1)], exactFold: false, alwaysConstant: [1])[0];
            Assert.Equal([2, 3, 4], noop.Shape.ToArray());
            AssertClose(noop.ToArray<float>(), Expected(kind, x, [2, 3, 4], [false, false, false], true).Values, 2e-7, 0, op + " noop");
        }
    }

    [Fact]
    public void EmptySetsAndEmptyOutputs()
    {
        var empty = Tensor.FromArray(Array.Empty<float>(), 2, 0, 3);
        var axis1 = Tensor.FromArray(new long[] { 1 }, 1);
        float[] Run(OpType op) => Reduce(op, [], empty, axis1).ToArray<float>();
        Assert.Equal(new float[6], Run(OpType.ReduceSum));
        Assert.Equal(Enumerable.Repeat(1f, 6), Run(OpType.ReduceProd));
        Assert.All(Run(OpType.ReduceMax), v => Assert.Equal(float.NegativeInfinity, v));
        Assert.All(Run(OpType.ReduceMin), v => Assert.Equal(float.PositiveInfinity, v));
        Assert.All(Run(OpType.ReduceMean), v => Assert.True(float.IsNaN(v)));
        Assert.All(Run(OpType.ReduceLogSum), v => Assert.Equal(float.NegativeInfinity, v));
        Assert.All(Run(OpType.ReduceLogSumExp), v => Assert.Equal(float.NegativeInfinity, v));
        Assert.Equal(new float[6], Run(OpType.ReduceL2));
        // Reducing a non-empty axis of a tensor with an empty kept axis: empty output.
        var y = Reduce(OpType.ReduceSum, [], empty, Tensor.FromArray(new long[] { 2 }, 1));
        Assert.Equal([2, 0, 1], y.Shape.ToArray());
        Assert.Equal([1, 1, 1], Reduce(OpType.ReduceMax, [Int("keepdims", 1)], Tensor.FromArray(new[] { 5f }, 1, 1, 1)).Shape.ToArray());
    }

    [Fact]
    public void FastPathsOnRealisticShapes()
    {
        // Mean over H·W of NCHW (a middle group followed by nothing), over the last axis (LayerNorm-like),
        // over C of NCHW (a middle axis with a contiguous inner run), with odd sizes to exercise tails.
        (int[] Shape, long[] Axes)[] cases = [([2, 37, 7, 9], [2, 3]), ([3, 5, 131], [-1]), ([2, 19, 5, 7], [1]), ([4, 33], [0])];
        foreach (var (shape, axes) in cases)
        {
            // Edge values but no huge ones: float sums of ±3e38 would cancel away the rest.
            var x = FloatsWithEdges(Count(shape), shape[1], -3, 3).Select(v => float.IsFinite(v) && Math.Abs(v) < 1e30 ? v : 1f).ToArray();
            var reduced = Enumerable.Range(0, shape.Length).Select(i => axes.Any(a => (a + shape.Length) % shape.Length == i)).ToArray();
            foreach (var (op, kind) in Kinds.Where(k => k.Kind is "mean" or "sum" or "max" or "min" or "l2" or "sumsquare" or "l1"))
            {
                var y = NodeHarness.Run(op, [Tensor.FromArray(x, shape), Tensor.FromArray(axes, axes.Length)], false, alwaysConstant: [1])[0];
                // Float accumulation: the error scales with Σ|x| (≤ ~400 here), not with the (cancelling) result.
                AssertClose(y.ToArray<float>(), Expected(kind, x, shape, reduced, true).Values, 2e-6, 3e-5, $"{op} {ShapeMath.Format(shape)}");
            }
        }
    }

    [Fact]
    public void NaNPropagatesThroughMaxAndMin()
    {
        var x = Tensor.FromArray(new[] { 1f, float.NaN, 3f, 4f, 5f, 6f }, 2, 3);
        Assert.Equal([float.NaN, 6f], Reduce(OpType.ReduceMax, [Int("keepdims", 0)], x, Tensor.FromArray(new long[] { 1 }, 1)).ToArray<float>());
        Assert.Equal([1f, float.NaN, 3f], Reduce(OpType.ReduceMin, [Int("keepdims", 0)], x, Tensor.FromArray(new long[] { 0 }, 1)).ToArray<float>());
    }

    [Fact]
    public void IntegerAndBoolReductions()
    {
        var x = new long[] { 1, -2, 3, long.MaxValue, 5, -6 };
        var t = Tensor.FromArray(x, 2, 3);
        var ax = Tensor.FromArray(new long[] { 1 }, 1);
        Assert.Equal([2L, unchecked(long.MaxValue + 5 - 6)], Reduce(OpType.ReduceSum, [Int("keepdims", 0)], t, ax).ToArray<long>());
        Assert.Equal([0L, (long.MaxValue - 1) / 3], Reduce(OpType.ReduceMean, [Int("keepdims", 0)], t, ax).ToArray<long>());
        Assert.Equal([3L, long.MaxValue], Reduce(OpType.ReduceMax, [Int("keepdims", 0)], t, ax).ToArray<long>());
        Assert.Equal([-6L, unchecked(long.MaxValue * 5 * -6)], Reduce(OpType.ReduceProd, [Int("keepdims", 0)], t, ax).ToArray<long>());
        Assert.Equal([6L, unchecked(long.MaxValue + 11)], Reduce(OpType.ReduceL1, [Int("keepdims", 0)], t, ax).ToArray<long>());
        Assert.Equal([3, 4], Reduce(OpType.ReduceL2, [Int("keepdims", 0)], Tensor.FromArray(new[] { 3, 0, 0, 4 }, 2, 2), Tensor.FromArray(new long[] { 0 }, 1)).ToArray<int>());
        var b = Tensor.FromArray(new[] { true, false, false, false, true, true }, 2, 3);
        Assert.Equal([true, true], Reduce(OpType.ReduceMax, [Int("keepdims", 0)], b, ax).ToArray<bool>());
        Assert.Equal([false, false], Reduce(OpType.ReduceMin, [Int("keepdims", 0)], b, ax).ToArray<bool>());
        Assert.Equal([(sbyte)-128], Reduce(OpType.ReduceMin, [Int("keepdims", 0)], Tensor.FromArray(new sbyte[] { 5, -128, 127 }, 3)).ToArray<sbyte>());
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.ReduceSum, [Tensor.FromArray(new sbyte[1], 1)], false));
    }

    [Fact]
    public void Float64ReductionsAndBadAxes()
    {
        var x = Floats(60, 9).Select(v => (double)v).ToArray();
        var y = Reduce(OpType.ReduceMean, [], Tensor.FromArray(x, 3, 4, 5), Tensor.FromArray(new long[] { 0, 2 }, 2)).ToArray<double>();
        for (int j = 0; j < 4; j++)
        {
            double s = 0;
            for (int i = 0; i < 3; i++)
                for (int k = 0; k < 5; k++)
                    s += x[i * 20 + j * 5 + k];
            Assert.True(Close(y[j], s / 15, 1e-14));
        }
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.ReduceSum, [Tensor.FromArray(new float[6], 2, 3), Tensor.FromArray(new long[] { 2 }, 1)], true));
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.ReduceSum, [Tensor.FromArray(new float[6], 2, 3), Tensor.FromArray(new long[] { 1, -1 }, 2)], true));
    }

    [Fact]
    public void ArgMaxArgMin()
    {
        int[] shape = [3, 4, 5];
        var x = Floats(60, 12, -3, 3).Select(v => MathF.Round(v)).ToArray(); // rounding creates ties
        x[7] = float.NaN;
        x[30] = float.NaN;
        x[35] = float.NaN;
        foreach (var op in new[] { OpType.ArgMax, OpType.ArgMin })
            for (int axis = -3; axis < 3; axis++)
                foreach (bool keep in new[] { true, false })
                    foreach (bool last in new[] { false, true })
                    {
                        var y = NodeHarness.RunOne(op, [Int("axis", axis), Int("keepdims", keep ? 1 : 0), Int("select_last_index", last ? 1 : 0)], Tensor.FromArray(x, shape));
                        int a = (axis + 3) % 3;
                        var expectShape = shape.Select((d, i) => i == a ? 1 : d).Where((d, i) => keep || i != a).ToArray();
                        Assert.Equal(expectShape, y.Shape.ToArray());
                        var got = y.ToArray<long>();
                        int inner = shape.Skip(a + 1).Aggregate(1, (p, q) => p * q), n = shape[a];
                        for (int o = 0; o < got.Length; o++)
                        {
                            int outerIdx = o / inner, innerIdx = o % inner;
                            var vals = Enumerable.Range(0, n).Select(k => x[outerIdx * n * inner + k * inner + innerIdx]).ToArray();
                            Assert.Equal(ArgReference(vals, op == OpType.ArgMax, last), got[o]);
                        }
                    }
        Assert.Equal([2L], NodeHarness.RunOne(OpType.ArgMax, Tensor.FromArray(new[] { 1, 5, 9, 9 }, 4)).ToArray<long>());
        Assert.Equal([0L], NodeHarness.RunOne(OpType.ArgMax, Tensor.Scalar(3f)).ToArray<long>());
    }

    private static Tensor Reduce(OpType op, AttributeDef[] attrs, params Tensor?[] inputs) =>
        NodeHarness.RunBoth(op, inputs, 1, attrs, alwaysConstant: [1])[0];

    // Written from NumPy's definition: NaN is the extreme; the first (last) extreme index.
    private static long ArgReference(float[] v, bool max, bool last)
    {
        var order = last ? Enumerable.Range(0, v.Length).Reverse() : Enumerable.Range(0, v.Length);
        int nan = order.FirstOrDefault(i => float.IsNaN(v[i]), -1);
        if (nan >= 0)
            return nan;
        float best = max ? v.Max() : v.Min();
        return order.First(i => v[i] == best);
    }
}
