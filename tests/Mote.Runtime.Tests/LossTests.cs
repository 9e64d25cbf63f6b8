using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss against references written from the ONNX definitions.</summary>
public class LossTests
{
    public static TheoryData<string, string, bool, int?> Cases() => new()
    {
        // input shape, reduction, weights, ignore_index
        { "3x5", "mean", false, null },
        { "3x5", "sum", true, null },
        { "3x5", "none", true, 2 },
        { "2x4x6", "mean", true, -1 },
        { "2x4x6", "none", false, -1 },
        { "2x3x2x5", "mean", false, 0 },
        { "2x3x2x2x3", "sum", true, 1 },
        { "1x1", "mean", true, null },
        { "0x4", "sum", false, null },
        { "3x4x0", "none", true, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void NegativeLogLikelihoodMatchesDefinition(string shape, string reduction, bool weighted, int? ignore)
    {
        var (x, dims, target, targetDims, weight) = Data(shape, ignore);
        var attrs = Attributes(reduction, ignore);
        var want = Nll(x.Select(v => (double)v).ToArray(), dims, target, weighted ? weight : [], reduction, ignore);
        Tensor?[] inputs = [Tensor.FromArray(x, dims), Tensor.FromArray(target, targetDims), weighted ? Tensor.FromArray(weight, dims[1]) : null];
        var y = NodeHarness.RunBoth(OpType.NegativeLogLikelihoodLoss, inputs, 1, attrs)[0];
        Assert.Equal(reduction == "none" ? targetDims : [], y.Shape.ToArray());
        AssertClose(y.ToArray<float>(), want, 1e-6, 1e-6, "f32");
        // int32 targets, f64 data.
        Tensor?[] inputs64 = [Tensor.FromArray(x.Select(v => (double)v).ToArray(), dims), Tensor.FromArray(target.Select(v => (int)v).ToArray(), targetDims),
            weighted ? Tensor.FromArray(weight.Select(v => (double)v).ToArray(), dims[1]) : null];
        var y64 = NodeHarness.RunBoth(OpType.NegativeLogLikelihoodLoss, inputs64, 1, attrs)[0].ToArray<double>();
        for (int i = 0; i < y64.Length; i++)
            Assert.True(Close(y64[i], want[i], 1e-12, 1e-12), $"f64 element {i}: {y64[i]} vs {want[i]}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SoftmaxCrossEntropyMatchesDefinition(string shape, string reduction, bool weighted, int? ignore)
    {
        var (x, dims, target, targetDims, weight) = Data(shape, ignore);
        // log_prob = log-softmax over the class axis (axis 1), then the NLL of it.
        int n = dims[0], c = dims[1], inner = Count(dims[2..]);
        var logProb = new double[x.Length];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < inner; i++)
            {
                var col = Enumerable.Range(0, c).Select(k => (double)x[(b * c + k) * inner + i]).ToArray();
                double lse = Math.Log(col.Sum(v => Math.Exp(v - col.Max()))) + col.Max();
                for (int k = 0; k < c; k++)
                    logProb[(b * c + k) * inner + i] = col[k] - lse;
            }
        var want = Nll(logProb, dims, target, weighted ? weight : [], reduction, ignore);
        Tensor?[] inputs = [Tensor.FromArray(x, dims), Tensor.FromArray(target, targetDims), weighted ? Tensor.FromArray(weight, dims[1]) : null];
        var outs = NodeHarness.RunBoth(OpType.SoftmaxCrossEntropyLoss, inputs, 2, Attributes(reduction, ignore));
        AssertClose(outs[0].ToArray<float>(), want, 1e-5, 1e-6, "loss");
        AssertClose(outs[1].ToArray<float>(), logProb, 1e-6, 1e-6, "log_prob");
        var lossOnly = NodeHarness.RunBoth(OpType.SoftmaxCrossEntropyLoss, inputs, 1, Attributes(reduction, ignore))[0];
        AssertClose(lossOnly.ToArray<float>(), want, 1e-5, 1e-6, "loss without log_prob");
    }

    [Fact]
    public void MeanOfOnlyIgnoredTargetsIsNaNAndBadTargetsFail()
    {
        var x = Tensor.FromArray(Floats(6, 1), 2, 3);
        var ignored = NodeHarness.RunBoth(OpType.NegativeLogLikelihoodLoss, [x, Tensor.FromArray(new long[] { 1, 1 }, 2)], 1, [Int("ignore_index", 1)])[0];
        Assert.True(float.IsNaN(ignored.ToArray<float>()[0]));
        Assert.ThrowsAny<MoteException>(() => NodeHarness.Run(OpType.NegativeLogLikelihoodLoss, [x, Tensor.FromArray(new long[] { 0, 3 }, 2)], false));
        Assert.ThrowsAny<MoteException>(() => NodeHarness.Run(OpType.SoftmaxCrossEntropyLoss, [x, Tensor.FromArray(new long[] { -1, 0 }, 2)], false));
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.NegativeLogLikelihoodLoss, [x, Tensor.FromArray(new long[] { 0, 1, 2 }, 3)], false));
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.NegativeLogLikelihoodLoss, [x, Tensor.FromArray(new long[] { 0, 1 }, 2)], false, 1, [Str("reduction", "max")]));
    }

    private static AttributeDef[] Attributes(string reduction, int? ignore) =>
        ignore is { } i ? [Str("reduction", reduction), Int("ignore_index", i)] : [Str("reduction", reduction)];

    private static (float[] X, int[] Dims, long[] Target, int[] TargetDims, float[] Weight) Data(string shape, int? ignore)
    {
        var dims = shape.Split('x').Select(int.Parse).ToArray();
        int[] targetDims = [dims[0], .. dims[2..]];
        var rng = new Random(Count(dims) + 7);
        // Every third target is the ignore_index (which may lie outside [0, C)).
        var target = Enumerable.Range(0, Count(targetDims)).Select(i => ignore is { } ig && i % 3 == 1 ? ig : (long)rng.Next(dims[1])).ToArray();
        return (Floats(Count(dims), 3, -3, 3), dims, target, targetDims, Floats(dims[1], 5, 0.1f, 2f));
    }

    private static double[] Nll(double[] input, int[] dims, long[] target, float[] weight, string reduction, int? ignore)
    {
        int n = dims[0], c = dims[1], inner = Count(dims[2..]);
        bool weighted = weight.Length > 0;
        var loss = new double[n * inner];
        double wsum = 0;
        for (int b = 0; b < n; b++)
            for (int i = 0; i < inner; i++)
            {
                long t = target[b * inner + i];
                if (t == ignore)
                    continue;
                double w = weighted ? weight[t] : 1;
                loss[b * inner + i] = -input[(b * c + t) * inner + i] * w;
                wsum += w;
            }
        return reduction switch
        {
            "none" => loss,
            "sum" => [loss.Sum()],
            _ => [loss.Sum() / wsum],
        };
    }
}
