using Mote.Format;
using Mote.Kernels;
using Mote.Kernels.Convolution;
using Mote.Runtime.Operators.NeuralNet;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>Conv through sessions (1 and 3 threads, run time and folded) against <see cref="ConvReference"/>.</summary>
public class ConvTests
{
    public sealed record Case(int N, int C, int[] Spatial, int M, int[] Kernel, int Group = 1, int[]? Strides = null, int[]? Dilations = null,
        int[]? Pads = null, string AutoPad = "NOTSET", bool Bias = true, Activation Act = default, bool ConstW = true, bool KernelAttr = false);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["3x3 pad 1"] = new(1, 3, [7, 7], 4, [3, 3], Pads: [1, 1, 1, 1]),
        ["1x1 pointwise relu batch 2"] = new(2, 16, [9, 11], 24, [1, 1], Act: Activation.Relu),
        ["1x1 stride 2"] = new(1, 8, [9, 9], 5, [1, 1], Strides: [2, 2]),
        ["1x1 with pads"] = new(1, 3, [4, 5], 2, [1, 1], Pads: [1, 0, 0, 2]),
        ["1x1 image 1x1 kernel"] = new(1, 4, [1, 1], 3, [1, 1]),
        ["1x1 image 3x3 kernel pad 1"] = new(2, 3, [1, 1], 2, [3, 3], Pads: [1, 1, 1, 1]),
        ["kernel larger than input, padded"] = new(1, 2, [3, 3], 3, [5, 5], Pads: [2, 2, 2, 2]),
        ["stride 3 dilation 2 asymmetric pads leaky"] = new(1, 3, [13, 11], 5, [3, 3], Strides: [3, 3], Dilations: [2, 2], Pads: [1, 2, 0, 1], Act: Activation.LeakyRelu(0.1f)),
        ["groups 2 clip"] = new(1, 4, [8, 8], 6, [3, 3], Group: 2, Pads: [1, 1, 1, 1], Act: Activation.Clip(-0.5f, 0.5f)),
        ["grouped 1x1"] = new(2, 8, [5, 6], 8, [1, 1], Group: 4),
        ["depthwise stride 2 hardswish"] = new(1, 8, [10, 12], 8, [3, 3], Group: 8, Strides: [2, 2], Pads: [1, 1, 1, 1], Act: Activation.HardSwish),
        ["depthwise multiplier 2 sigmoid"] = new(2, 4, [9, 9], 8, [3, 3], Group: 4, Pads: [1, 1, 1, 1], Act: Activation.Sigmoid),
        ["depthwise 5x5 dilation 2 no bias"] = new(1, 3, [12, 12], 3, [5, 5], Group: 3, Dilations: [2, 2], Pads: [4, 4, 4, 4], Bias: false),
        ["depthwise wide plane"] = new(1, 5, [20, 37], 5, [3, 3], Group: 5, Pads: [1, 1, 1, 1], Act: Activation.Relu),
        ["SAME_UPPER stride 2 tanh"] = new(1, 3, [10, 9], 4, [3, 3], Strides: [2, 2], AutoPad: "SAME_UPPER", Act: Activation.Tanh),
        ["SAME_LOWER stride 2 kernel 4"] = new(1, 2, [9, 8], 3, [4, 4], Strides: [2, 2], AutoPad: "SAME_LOWER"),
        ["SAME_UPPER stride 1 kernel 2"] = new(1, 2, [5, 6], 3, [2, 2], AutoPad: "SAME_UPPER"),
        ["VALID stride 2"] = new(1, 3, [8, 8], 2, [3, 3], Strides: [2, 2], AutoPad: "VALID"),
        ["batch 3 no bias hardsigmoid"] = new(3, 5, [6, 7], 7, [2, 3], Bias: false, Act: Activation.HardSigmoid(0.3f, 0.4f)),
        ["1-D relu"] = new(2, 3, [17], 4, [5], Strides: [2], Pads: [2, 1], Act: Activation.Relu),
        ["1-D depthwise"] = new(1, 4, [20], 4, [3], Group: 4, Pads: [1, 1]),
        ["1-D pointwise"] = new(1, 6, [13], 5, [1]),
        ["3-D"] = new(1, 2, [5, 6, 7], 3, [3, 3, 3], Strides: [1, 2, 1], Pads: [1, 1, 1, 1, 0, 1]),
        ["3-D groups dilation"] = new(2, 4, [6, 6, 6], 4, [2, 2, 2], Group: 2, Dilations: [2, 2, 2], Act: Activation.Relu),
        ["3-D SAME_UPPER stride 2"] = new(1, 3, [5, 4, 6], 2, [3, 2, 3], Strides: [2, 2, 2], AutoPad: "SAME_UPPER"),
        ["3-D depthwise"] = new(1, 3, [4, 5, 6], 3, [3, 3, 3], Group: 3, Pads: [1, 1, 1, 1, 1, 1]),
        ["3-D pointwise"] = new(1, 5, [3, 4, 5], 4, [1, 1, 1]),
        ["many windows, parallel over windows"] = new(2, 32, [30, 30], 40, [3, 3], Pads: [1, 1, 1, 1], Act: Activation.Relu),
        ["many windows, one image"] = new(1, 32, [30, 30], 40, [3, 3], Pads: [1, 1, 1, 1]),
        ["large pointwise"] = new(2, 64, [28, 28], 48, [1, 1], Act: Activation.Relu),
        ["deep 3x3 on a small plane"] = new(1, 96, [7, 7], 80, [3, 3], Pads: [1, 1, 1, 1]),
        // Stride 1 runs as an implicit GEMM in bands of output rows (several bands, groups, dilation, asymmetric pads).
        // (Band height follows from channels and width: these give 5 and 3 bands at a depth K the fixed tolerance suits.)
        ["implicit: several bands"] = new(1, 32, [14, 120], 256, [3, 3], Pads: [1, 1, 1, 1], Act: Activation.Relu),
        ["implicit: batch 2, one band"] = new(2, 12, [20, 23], 20, [3, 3], Pads: [1, 1, 1, 1]),
        ["implicit: groups, dilation 2, asymmetric pads"] = new(1, 8, [19, 17], 12, [3, 5], Group: 2, Dilations: [2, 1], Pads: [2, 0, 1, 3]),
        ["implicit: no padding, 2x2 kernel"] = new(1, 5, [9, 31], 7, [2, 2], Bias: false),
        ["implicit: stride 2 phases, several bands"] = new(1, 24, [30, 118], 200, [3, 3], Strides: [2, 2], Pads: [1, 1, 1, 1], Act: Activation.Relu),
        ["implicit: strides 2x1, dilation 2, 5x3 kernel"] = new(2, 6, [23, 19], 9, [5, 3], Strides: [2, 1], Dilations: [2, 1], Pads: [3, 1, 2, 0]),
        // Narrow outputs multiply transposed (ConvGemm.IsNarrow): a few pixels, many channels.
        ["narrow: 1-D strided like an STFT"] = new(1, 1, [640], 258, [256], Strides: [128]),
        ["narrow: 3x3 on 4x4, groups 2, batch 2"] = new(2, 32, [4, 4], 64, [3, 3], Group: 2, Pads: [1, 1, 1, 1], Act: Activation.Relu),
        ["narrow: pointwise 2x2"] = new(1, 64, [2, 2], 96, [1, 1], Act: Activation.HardSwish),
        ["narrow: 1-D, 3 samples, no bias"] = new(1, 17, [5], 40, [3], Bias: false),
        ["weights not constant"] = new(1, 3, [9, 9], 4, [3, 3], Pads: [1, 1, 1, 1], ConstW: false, Act: Activation.Relu),
        ["weights not constant, pointwise, groups"] = new(2, 6, [5, 5], 4, [1, 1], Group: 2, ConstW: false),
        ["weights not constant, depthwise"] = new(1, 4, [7, 7], 4, [3, 3], Group: 4, ConstW: false),
        ["kernel_shape attribute"] = new(1, 2, [6, 6], 2, [2, 3], KernelAttr: true),
        ["empty batch"] = new(0, 3, [5, 5], 2, [3, 3]),
    };

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesReference(string name)
    {
        var c = Cases[name];
        var (x, w, b, attrs, xShape, wShape, geometry) = Build(c);
        var yShape = ConvReference.OutputShape(xShape, wShape, geometry.Strides, geometry.Dilations, geometry.Pads);
        var expected = new float[yShape.Aggregate(1, (a, d) => a * d)];
        ConvReference.Conv(x.ToArray<float>(), xShape, w.ToArray<float>(), wShape, c.Bias ? b.ToArray<float>() : [], c.Group,
            geometry.Strides, geometry.Dilations, geometry.Pads, expected, c.Act);

        var y = NnRunner.Run(OpType.Conv, [new(x), new(w, c.ConstW), c.Bias ? new(b, true) : null], 1, [.. attrs], alsoFolded: true)[0];
        Assert.Equal(yShape, y.Shape.ToArray());
        NnRunner.AssertClose(expected, y, 2e-5f, name);
    }

    // A case's random inputs, its node attributes and the geometry the reference uses.
    private static (Tensor X, Tensor W, Tensor B, List<AttributeDef> Attrs, int[] XShape, int[] WShape, (int[] Strides, int[] Dilations, int[] Pads) Geometry) Build(Case c)
    {
        int r = c.Spatial.Length;
        int[] xShape = [c.N, c.C, .. c.Spatial], wShape = [c.M, c.C / c.Group, .. c.Kernel];
        var attrs = new List<AttributeDef> { AttributeDef.FromInt("group", c.Group), AttributeDef.FromString("auto_pad", c.AutoPad) };
        if (c.Strides is not null) attrs.Add(AttributeDef.FromInts("strides", c.Strides.Select(v => (long)v).ToArray()));
        if (c.Dilations is not null) attrs.Add(AttributeDef.FromInts("dilations", c.Dilations.Select(v => (long)v).ToArray()));
        if (c.Pads is not null) attrs.Add(AttributeDef.FromInts("pads", c.Pads.Select(v => (long)v).ToArray()));
        if (c.KernelAttr) attrs.Add(AttributeDef.FromInts("kernel_shape", c.Kernel.Select(v => (long)v).ToArray()));
        AddActivation(attrs, c.Act);
        var strides = c.Strides ?? Enumerable.Repeat(1, r).ToArray();
        var dilations = c.Dilations ?? Enumerable.Repeat(1, r).ToArray();
        var pads = ExpectedPads(c.Spatial, c.Kernel, strides, dilations, c.AutoPad, c.Pads);
        return (NnRunner.RandomTensor(1, xShape), NnRunner.RandomTensor(2, wShape), NnRunner.RandomTensor(3, c.M), attrs, xShape, wShape, (strides, dilations, pads));
    }

    public static TheoryData<string> ResidualNames() => new(["3x3 pad 1", "1x1 pointwise relu batch 2", "stride 3 dilation 2 asymmetric pads leaky",
        "groups 2 clip", "1-D relu", "3-D", "implicit: several bands", "implicit: stride 2 phases, several bands", "narrow: pointwise 2x2"]);

    /// <summary>The converter's Conv + Add: a fourth input of Y's shape added before the activation, on every GEMM path.</summary>
    [Theory]
    [MemberData(nameof(ResidualNames))]
    public void ResidualInputIsAddedBeforeTheActivation(string name)
    {
        var c = Cases[name];
        var (x, w, b, attrs, xShape, wShape, geometry) = Build(c);
        var yShape = ConvReference.OutputShape(xShape, wShape, geometry.Strides, geometry.Dilations, geometry.Pads);
        var residual = NnRunner.RandomTensor(4, yShape);
        var plain = new float[yShape.Aggregate(1, (a, d) => a * d)];
        ConvReference.Conv(x.ToArray<float>(), xShape, w.ToArray<float>(), wShape, c.Bias ? b.ToArray<float>() : [], c.Group,
            geometry.Strides, geometry.Dilations, geometry.Pads, plain, default);
        var rv = residual.ToArray<float>();
        var expected = plain.Select((v, i) => c.Act.Apply(v + rv[i])).ToArray();
        var y = NnRunner.Run(OpType.Conv, [new(x), new(w, true), c.Bias ? new(b, true) : null, new(residual)], 1, [.. attrs])[0];
        NnRunner.AssertClose(expected, y, 2e-5f, name);
    }

    [Fact]
    public void RejectsChannelMismatch()
    {
        var x = NnRunner.RandomTensor(1, 1, 3, 5, 5);
        var w = NnRunner.RandomTensor(2, 2, 2, 3, 3);
        Assert.ThrowsAny<MoteException>(() => NnRunner.Single(OpType.Conv, [new(x), new(w, true)]));
    }

    [Fact]
    public void RejectsKernelLargerThanPaddedInput()
    {
        var x = NnRunner.RandomTensor(1, 1, 1, 2, 2);
        var w = NnRunner.RandomTensor(2, 1, 1, 3, 3);
        Assert.ThrowsAny<MoteException>(() => NnRunner.Single(OpType.Conv, [new(x), new(w, true)]));
    }

    internal static void AddActivation(List<AttributeDef> attrs, Activation act)
    {
        if (act.IsNone)
            return;
        attrs.Add(AttributeDef.FromInt(FusedActivation.KindAttribute, (long)act.Kind));
        float[] p = act.Kind switch
        {
            ActivationKind.Clip or ActivationKind.HardSigmoid => [act.P0, act.P1],
            ActivationKind.LeakyRelu => [act.P0],
            _ => [],
        };
        if (p.Length > 0)
            attrs.Add(AttributeDef.FromFloats(FusedActivation.ParamsAttribute, p));
    }

    /// <summary>Pads as the ONNX Conv spec defines them for auto_pad (begin…, end…).</summary>
    internal static int[] ExpectedPads(int[] input, int[] kernel, int[] strides, int[] dilations, string autoPad, int[]? pads)
    {
        int r = input.Length;
        if (autoPad == "NOTSET")
            return pads ?? new int[2 * r];
        var p = new int[2 * r];
        if (autoPad == "VALID")
            return p;
        for (int d = 0; d < r; d++)
        {
            int outSize = (int)Math.Ceiling(input[d] / (double)strides[d]);
            int total = Math.Max(0, (outSize - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - input[d]);
            p[d] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
            p[d + r] = total - p[d];
        }
        return p;
    }
}
