using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>Normalization operators against double-precision references written from the ONNX definitions.</summary>
public class NormalizationTests
{
    [Fact]
    public void BatchNormalizationConstantAndRuntimeParameters()
    {
        int[] shape = [2, 3, 4, 5];
        var x = Floats(Count(shape), 1, -3, 3);
        float[] scale = [0.5f, -1.5f, 2f], bias = [0.1f, 0.2f, -0.3f], mean = [0.3f, -0.2f, 1f], variance = [0.25f, 2f, 0.01f];
        var want = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i / 20 % 3;
            want[i] = scale[c] * (x[i] - mean[c]) / Math.Sqrt(variance[c] + (double)1e-3f) + bias[c];
        }
        Tensor?[] inputs = [Tensor.FromArray(x, shape), Tensor.FromArray(scale, 3), Tensor.FromArray(bias, 3), Tensor.FromArray(mean, 3), Tensor.FromArray(variance, 3)];
        // Constant parameters (folded into a·x + b when the session is built) and parameters fed at run time.
        var folded = NodeHarness.Run(OpType.BatchNormalization, inputs, false, 1, [Float("epsilon", 1e-3f)], alwaysConstant: [1, 2, 3, 4])[0];
        AssertClose(folded.ToArray<float>(), want, 2e-6, 1e-6, "constant parameters");
        var live = NodeHarness.RunBoth(OpType.BatchNormalization, inputs, 1, [Float("epsilon", 1e-3f)])[0];
        AssertClose(live.ToArray<float>(), want, 2e-6, 1e-6, "run-time parameters");
        // Rank 2 [N, C] and f64.
        var x2 = x[..6].Select(v => (double)v).ToArray();
        var y2 = NodeHarness.RunOne(OpType.BatchNormalization, Tensor.FromArray(x2, 2, 3), Tensor.FromArray(scale.Select(v => (double)v).ToArray(), 3),
            Tensor.FromArray(bias.Select(v => (double)v).ToArray(), 3), Tensor.FromArray(mean.Select(v => (double)v).ToArray(), 3), Tensor.FromArray(variance.Select(v => (double)v).ToArray(), 3)).ToArray<double>();
        for (int i = 0; i < 6; i++)
            Assert.True(Close(y2[i], scale[i % 3] * (x2[i] - mean[i % 3]) / Math.Sqrt(variance[i % 3] + (double)1e-5f) + bias[i % 3], 1e-12, 1e-12), $"{y2[i]} vs {scale[i % 3] * (x2[i] - mean[i % 3]) / Math.Sqrt(variance[i % 3] + (double)1e-5f) + bias[i % 3]}");
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.BatchNormalization, inputs, false, 1, [Int("training_mode", 1)]));
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.BatchNormalization, [inputs[0], Tensor.FromArray(new float[2], 2), inputs[2], inputs[3], inputs[4]], false));
    }

    [Fact]
    public void InstanceAndGroupNormalization()
    {
        int[] shape = [2, 4, 3, 5];
        var x = Floats(Count(shape), 2, -2, 6);
        float[] scale = [1f, -0.5f, 2f, 0.25f], bias = [0f, 0.5f, -1f, 3f];
        var inputs = new Tensor?[] { Tensor.FromArray(x, shape), Tensor.FromArray(scale, 4), Tensor.FromArray(bias, 4) };
        AssertClose(NodeHarness.RunBoth(OpType.InstanceNormalization, inputs, 1, [Float("epsilon", 1e-4f)])[0].ToArray<float>(),
            GroupReference(x, shape, 4, scale, bias, 1e-4f), 3e-6, 3e-6, "InstanceNormalization");
        foreach (int groups in new[] { 1, 2, 4 })
            AssertClose(NodeHarness.RunBoth(OpType.GroupNormalization, inputs, 1, [Int("num_groups", groups)])[0].ToArray<float>(),
                GroupReference(x, shape, groups, scale, bias, 1e-5f), 3e-6, 3e-6, $"GroupNormalization {groups} groups");
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.GroupNormalization, inputs, false, 1, [Int("num_groups", 3)]));
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.GroupNormalization, [inputs[0], Tensor.FromArray(new float[2], 2), Tensor.FromArray(new float[2], 2)], false, 1, [Int("num_groups", 2)]));
    }

    // Mean and population variance over each (sample, group of channels), then per-channel scale and bias.
    private static double[] GroupReference(float[] x, int[] shape, int groups, float[] scale, float[] bias, float eps)
    {
        int n = shape[0], c = shape[1], s = Count(shape[2..]), per = c / groups;
        var y = new double[x.Length];
        for (int b = 0; b < n; b++)
            for (int g = 0; g < groups; g++)
            {
                var idx = Enumerable.Range(0, per * s).Select(k => (b * c + g * per) * s + k).ToArray();
                double mean = idx.Average(i => (double)x[i]);
                double variance = idx.Average(i => (x[i] - mean) * (x[i] - mean));
                foreach (var i in idx)
                {
                    int ch = i / s % c;
                    y[i] = scale[ch] * (x[i] - mean) / Math.Sqrt(variance + eps) + bias[ch];
                }
            }
        return y;
    }

    [Fact]
    public void LayerNormalizationEveryAxisWithStatistics()
    {
        int[] shape = [2, 3, 4];
        var x = Floats(24, 3, -5, 5);
        for (int axis = -3; axis < 3; axis++)
        {
            int a = (axis + 3) % 3;
            int d = Count(shape[a..]), rows = 24 / d;
            var scale = Floats(d, 4, 0.5f, 2);
            var bias = Floats(d, 5, -1, 1);
            var outs = NodeHarness.RunBoth(OpType.LayerNormalization, [Tensor.FromArray(x, shape), Tensor.FromArray(scale, shape[a..]), Tensor.FromArray(bias, shape[a..])], 3,
                [Int("axis", axis), Float("epsilon", 1e-3f)]);
            var want = new double[24];
            var means = new double[rows];
            var invs = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                double mean = Enumerable.Range(0, d).Average(k => (double)x[r * d + k]);
                double variance = Enumerable.Range(0, d).Average(k => (x[r * d + k] - mean) * (x[r * d + k] - mean));
                means[r] = mean;
                invs[r] = 1 / Math.Sqrt(variance + 1e-3f);
                for (int k = 0; k < d; k++)
                    want[r * d + k] = (x[r * d + k] - mean) * invs[r] * scale[k] + bias[k];
            }
            AssertClose(outs[0].ToArray<float>(), want, 2e-6, 2e-6, $"LayerNorm axis {axis}");
            Assert.Equal(shape.Select((v, i) => i < a ? v : 1).ToArray(), outs[1].Shape.ToArray());
            AssertClose(outs[1].ToArray<float>(), means, 1e-6, 1e-7, "Mean");
            AssertClose(outs[2].ToArray<float>(), invs, 2e-6, 0, "InvStdDev");
        }
    }

    [Fact]
    public void LayerNormalizationBroadcastScaleNoBiasAndRms()
    {
        int[] shape = [3, 2, 8];
        var x = Floats(48, 6, -3, 3);
        // Scale [1, 8] broadcast over the normalized shape [2, 8]; no bias; only Y requested.
        var scale = Floats(8, 7, 0.5f, 1.5f);
        var y = NodeHarness.RunBoth(OpType.LayerNormalization, [Tensor.FromArray(x, shape), Tensor.FromArray(scale, 1, 8)], 1, [Int("axis", 1)])[0].ToArray<float>();
        var want = new double[48];
        for (int r = 0; r < 3; r++)
        {
            var row = Enumerable.Range(0, 16).Select(k => (double)x[r * 16 + k]).ToArray();
            double mean = row.Average(), variance = row.Average(v => (v - mean) * (v - mean));
            for (int k = 0; k < 16; k++)
                want[r * 16 + k] = (row[k] - mean) / Math.Sqrt(variance + 1e-5f) * scale[k % 8];
        }
        AssertClose(y, want, 2e-6, 2e-6, "LayerNorm broadcast scale");
        var rms = NodeHarness.RunBoth(OpType.RMSNormalization, [Tensor.FromArray(x, shape), Tensor.FromArray(scale, 8)], 1, [Float("epsilon", 1e-6f)])[0].ToArray<float>();
        var wantRms = new double[48];
        for (int r = 0; r < 6; r++)
        {
            double ms = Enumerable.Range(0, 8).Average(k => (double)x[r * 8 + k] * x[r * 8 + k]);
            for (int k = 0; k < 8; k++)
                wantRms[r * 8 + k] = x[r * 8 + k] / Math.Sqrt(ms + 1e-6f) * scale[k];
        }
        AssertClose(rms, wantRms, 2e-6, 1e-7, "RMSNormalization");
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.LayerNormalization, [Tensor.FromArray(x, shape), Tensor.FromArray(new float[3], 3)], false));
    }

    [Fact]
    public void LpNormalizationAndZeroNorm()
    {
        int[] shape = [3, 4, 5];
        var x = Floats(60, 8, -2, 2);
        for (int i = 0; i < 4; i++)
            x[i * 5] = 0;
        for (int i = 0; i < 5; i++)
            x[20 + i] = 0; // one all-zero row along the last axis
        foreach (int p in new[] { 1, 2 })
            for (int axis = -1; axis < 3; axis++)
            {
                int a = (axis + 3) % 3;
                int n = shape[a], inner = Count(shape[(a + 1)..]);
                var want = new double[60];
                for (int i = 0; i < 60; i++)
                {
                    int k = i / inner % n, start = i - k * inner;
                    double norm = p == 1 ? Enumerable.Range(0, n).Sum(j => Math.Abs(x[start + j * inner]))
                        : Math.Sqrt(Enumerable.Range(0, n).Sum(j => (double)x[start + j * inner] * x[start + j * inner]));
                    want[i] = norm == 0 ? 0 : x[i] / norm;
                }
                var y = NodeHarness.RunBoth(OpType.LpNormalization, [Tensor.FromArray(x, shape)], 1, [Int("axis", axis), Int("p", p)])[0];
                AssertClose(y.ToArray<float>(), want, 1e-6, 1e-7, $"Lp p={p} axis {axis}");
            }
    }

    [Fact]
    public void MeanVarianceNormalization()
    {
        int[] shape = [2, 3, 2, 4];
        var x = Floats(48, 9, -4, 4);
        foreach (var axes in new[] { (long[]?)null, [1], [0, 1, 2, 3], [-1, 1] })
        {
            var reduced = new bool[4];
            foreach (var a in axes ?? [0, 2, 3])
                reduced[(a + 4) % 4] = true;
            var groups = new Dictionary<int, List<int>>();
            for (int i = 0; i < 48; i++)
            {
                int key = 0, rem = i;
                for (int d = 3; d >= 0; d--)
                {
                    int coord = rem % shape[d];
                    rem /= shape[d];
                    key = reduced[d] ? key : key * 10 + coord + 1;
                }
                groups.TryAdd(key, []);
                groups[key].Add(i);
            }
            var want = new double[48];
            foreach (var g in groups.Values)
            {
                double mean = g.Average(i => (double)x[i]);
                double std = Math.Sqrt(g.Average(i => (x[i] - mean) * (x[i] - mean)));
                foreach (var i in g)
                    want[i] = (x[i] - mean) / (std + 1e-9);
            }
            var attrs = axes is null ? Array.Empty<AttributeDef>() : [Ints("axes", axes)];
            var y = NodeHarness.RunBoth(OpType.MeanVarianceNormalization, [Tensor.FromArray(x, shape)], 1, attrs)[0];
            AssertClose(y.ToArray<float>(), want, 1e-6, 1e-6, $"MVN axes {(axes is null ? "default" : string.Join(",", axes))}");
        }
    }

    [Fact]
    public void EmptyTensorsAndScalars()
    {
        var c3 = new[] { 1f, 2f, 3f };
        var empty = Tensor.FromArray(Array.Empty<float>(), 0, 3, 4);
        Assert.Equal([0, 3, 4], NodeHarness.RunOne(OpType.BatchNormalization, empty, Tensor.FromArray(c3, 3), Tensor.FromArray(c3, 3), Tensor.FromArray(c3, 3), Tensor.FromArray(c3, 3)).Shape.ToArray());
        Assert.Equal([0, 3, 4], NodeHarness.RunOne(OpType.InstanceNormalization, empty, Tensor.FromArray(c3, 3), Tensor.FromArray(c3, 3)).Shape.ToArray());
        Assert.Equal([0, 3, 4], NodeHarness.RunOne(OpType.GroupNormalization, [Int("num_groups", 3)], empty, Tensor.FromArray(c3, 3), Tensor.FromArray(c3, 3)).Shape.ToArray());
        Assert.Equal([0, 3, 4], NodeHarness.RunOne(OpType.LpNormalization, empty).Shape.ToArray());
        Assert.Equal([0, 3, 4], NodeHarness.RunOne(OpType.MeanVarianceNormalization, [Ints("axes", 1)], empty).Shape.ToArray());
        var ln = NodeHarness.RunBoth(OpType.LayerNormalization, [empty, Tensor.FromArray(new float[4], 4)], 3);
        Assert.Equal([0, 3, 4], ln[0].Shape.ToArray());
        Assert.Equal([0, 3, 1], ln[1].Shape.ToArray());
        // Spatial size 0: nothing to normalize, but the shapes flow.
        Assert.Equal([2, 3, 0], NodeHarness.RunOne(OpType.InstanceNormalization, Tensor.FromArray(Array.Empty<float>(), 2, 3, 0), Tensor.FromArray(c3, 3), Tensor.FromArray(c3, 3)).Shape.ToArray());
        // Cast and CumSum of scalars and empty tensors.
        Assert.Equal([7L], NodeHarness.RunOne(OpType.Cast, [Int("to", (long)DataType.Int64)], Tensor.Scalar(7.9f)).ToArray<long>());
        Assert.Empty(NodeHarness.RunOne(OpType.Cast, [Int("to", (long)DataType.Bool)], Tensor.FromArray(Array.Empty<double>(), 0)).ToArray<bool>());
        Assert.Equal([0, 2], NodeHarness.RunOne(OpType.CumSum, Tensor.FromArray(Array.Empty<float>(), 0, 2), Tensor.Scalar(0L)).Shape.ToArray());
    }
}
