using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>Softmax, LogSoftmax, Hardmax, CumSum and CumProd against double-precision references.</summary>
public class SoftmaxCumSumTests
{
    private static double[] SoftmaxReference(float[] x, int[] shape, int axis, bool log)
    {
        int n = shape[axis], inner = shape.Skip(axis + 1).Aggregate(1, (a, b) => a * b), outer = x.Length / Math.Max(1, n * inner);
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                var idx = Enumerable.Range(0, n).Select(k => o * n * inner + k * inner + i).ToArray();
                double max = idx.Max(j => (double)x[j]);
                double sum = idx.Sum(j => Math.Exp(x[j] - max));
                foreach (var j in idx)
                    y[j] = log ? x[j] - max - Math.Log(sum) : Math.Exp(x[j] - max) / sum;
            }
        return y;
    }

    [Fact]
    public void SoftmaxAndLogSoftmaxEveryAxis()
    {
        int[][] shapes = [[3, 4, 5], [2, 1, 7], [1, 300], [4, 17], [2, 3, 33]];
        foreach (var shape in shapes)
        {
            var x = Floats(Count(shape), shape.Sum(), -20, 20);
            for (int axis = -shape.Length; axis < shape.Length; axis++)
                foreach (var op in new[] { OpType.Softmax, OpType.LogSoftmax })
                {
                    int a = (axis + shape.Length) % shape.Length;
                    var y = NodeHarness.RunBoth(op, [Tensor.FromArray(x, shape)], 1, [Int("axis", axis)])[0];
                    // Log-softmax near 0 is −log(sum) with sum ≈ 1 rounded in float: absolute error ~1 ulp of 1.
                    AssertClose(y.ToArray<float>(), SoftmaxReference(x, shape, a, op == OpType.LogSoftmax), 1e-6, op == OpType.LogSoftmax ? 3e-7 : 1e-7, $"{op} {ShapeMath.Format(shape)} axis {axis}");
                }
        }
    }

    [Fact]
    public void SoftmaxDefaultAxisLargeValuesAndNaN()
    {
        // Default axis −1; large inputs must not overflow; a NaN poisons its row only.
        var x = new[] { 1000f, 1001f, 1002f, -1000f, 0f, 1f, float.NaN, 2f, 3f };
        var y = NodeHarness.RunOne(OpType.Softmax, Tensor.FromArray(x, 3, 3)).ToArray<float>();
        AssertClose(y[..6], SoftmaxReference(x[..6], [2, 3], 1, false), 1e-6, 1e-7);
        Assert.All(y[6..], v => Assert.True(float.IsNaN(v)));
        var l = NodeHarness.RunOne(OpType.LogSoftmax, Tensor.FromArray(x[..3], 3)).ToArray<float>();
        AssertClose(l, SoftmaxReference(x[..3], [3], 0, true), 1e-6);
        // Every tier (scalar reference, 128, 256, 512) on a long row.
        var row = Floats(257, 8, -30, 30);
        var want = SoftmaxReference(row, [1, 257], 1, false);
        foreach (int bits in new[] { 0, 128, 256, 512 })
        {
            var options = new SessionOptions { Features = Mote.Kernels.CpuFeatures.Detect().LimitVectorBits(bits) };
            var got = NodeHarness.Run(OpType.Softmax, [Tensor.FromArray(row, 1, 257)], false, options: options)[0].ToArray<float>();
            AssertClose(got, want, 1e-6, 1e-9, $"softmax at {bits} bits");
        }
    }

    [Fact]
    public void Float64AndHardmax()
    {
        var x = Floats(60, 2, -5, 5);
        var xd = x.Select(v => (double)v).ToArray();
        foreach (int axis in new[] { 0, 1, 2 })
        {
            var y = NodeHarness.RunOne(OpType.Softmax, [Int("axis", axis)], Tensor.FromArray(xd, 3, 4, 5)).ToArray<double>();
            var want = SoftmaxReference(x, [3, 4, 5], axis, false);
            for (int i = 0; i < y.Length; i++)
                Assert.True(Close(y[i], want[i], 1e-12), $"f64 softmax axis {axis} element {i}");
        }
        var h = new[] { 1f, 3f, 3f, 0f, float.NaN, 2f, -1f, -1f, -1f };
        Assert.Equal([0f, 1, 0, 0, 1, 0, 1, 0, 0], NodeHarness.RunOne(OpType.Hardmax, Tensor.FromArray(h, 3, 3)).ToArray<float>());
        Assert.Equal([1f, 0, 1, 0, 1, 0, 0, 0, 0], NodeHarness.RunOne(OpType.Hardmax, [Int("axis", 0)], Tensor.FromArray(h, 3, 3)).ToArray<float>());
        Assert.Equal([2, 0, 5], NodeHarness.RunOne(OpType.Softmax, Tensor.FromArray(Array.Empty<float>(), 2, 0, 5)).Shape.ToArray());
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.Softmax, [Tensor.FromArray(new int[3], 3)], false));
    }

    [Theory]
    [InlineData(OpType.CumSum)]
    [InlineData(OpType.CumProd)]
    public void CumulativeAllModes(OpType op)
    {
        bool product = op == OpType.CumProd;
        int[] shape = [2, 3, 4];
        var x = Floats(24, 5, -3, 3);
        for (int axis = -3; axis < 3; axis++)
            foreach (bool exclusive in new[] { false, true })
                foreach (bool reverse in new[] { false, true })
                {
                    int a = (axis + 3) % 3;
                    var y = NodeHarness.RunBoth(op, [Tensor.FromArray(x, shape), Tensor.Scalar((long)axis)], 1,
                        [Int("exclusive", exclusive ? 1 : 0), Int("reverse", reverse ? 1 : 0)])[0].ToArray<float>();
                    int n = shape[a], inner = shape.Skip(a + 1).Aggregate(1, (p, q) => p * q);
                    var want = new double[24];
                    for (int i = 0; i < 24; i++)
                    {
                        int k = i / inner % n, start = i - k * inner;
                        double s = product ? 1 : 0;
                        for (int j = 0; j < n; j++)
                        {
                            bool take = reverse ? (exclusive ? j > k : j >= k) : (exclusive ? j < k : j <= k);
                            if (take)
                                s = product ? s * x[start + j * inner] : s + x[start + j * inner];
                        }
                        want[i] = s;
                    }
                    AssertClose(y, want, 1e-6, 1e-6, $"{op} axis {axis} exclusive {exclusive} reverse {reverse}");
                }
        // Integers wrap.
        int[] ints = [1, 2, 3, int.MaxValue];
        int[] wrapped = product ? [1, 2, 6, unchecked(6 * int.MaxValue)] : [1, 3, 6, int.MinValue + 5];
        Assert.Equal(wrapped, NodeHarness.RunOne(op, Tensor.FromArray(ints, 4), Tensor.FromArray(new[] { 0 }, 1)).ToArray<int>());
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(op, [Tensor.FromArray(new float[3], 3), Tensor.Scalar(1L)], true));
    }
}
