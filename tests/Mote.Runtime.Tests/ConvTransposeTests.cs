using Mote.Format;
using Mote.Kernels;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>ConvTranspose through sessions against a scatter-form scalar reference written from the ONNX definition.</summary>
public class ConvTransposeTests
{
    public sealed record Case(int N, int C, int[] Spatial, int GroupOutputs, int[] Kernel, int Group = 1, int[]? Strides = null, int[]? Dilations = null,
        int[]? Pads = null, int[]? OutputPadding = null, int[]? OutputShape = null, string AutoPad = "NOTSET", bool Bias = true,
        Activation Act = default, bool ConstW = true);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["basic 3x3"] = new(1, 2, [3, 3], 3, [3, 3]),
        ["stride 2 pads 1 output_padding 1"] = new(1, 3, [4, 5], 2, [3, 3], Strides: [2, 2], Pads: [1, 1, 1, 1], OutputPadding: [1, 1]),
        ["stride 3x2 asymmetric pads relu"] = new(1, 2, [3, 4], 2, [3, 4], Strides: [3, 2], Pads: [0, 1, 2, 1], Act: Activation.Relu),
        ["dilation 2 no bias"] = new(1, 2, [4, 4], 3, [3, 3], Dilations: [2, 2], Bias: false),
        ["groups 2"] = new(1, 4, [4, 3], 3, [2, 2], Group: 2, Strides: [2, 2]),
        ["per-channel upsampling, batch 3"] = new(3, 4, [5, 5], 1, [4, 4], Group: 4, Strides: [2, 2], Pads: [1, 1, 1, 1], Act: Activation.Sigmoid),
        ["output_shape"] = new(1, 2, [3, 3], 2, [3, 3], Strides: [2, 2], OutputShape: [6, 7]),
        ["output_shape SAME_LOWER, odd and negative totals"] = new(1, 2, [3, 3], 2, [3, 3], Strides: [2, 2], OutputShape: [6, 8], AutoPad: "SAME_LOWER"),
        ["output_shape SAME_UPPER"] = new(1, 2, [3, 3], 2, [3, 3], Strides: [2, 2], OutputShape: [6, 6], AutoPad: "SAME_UPPER"),
        ["output_shape larger than natural"] = new(1, 2, [3, 3], 2, [3, 3], Strides: [2, 2], OutputShape: [9, 10]),
        ["SAME_UPPER"] = new(1, 2, [3, 4], 2, [3, 3], Strides: [2, 2], AutoPad: "SAME_UPPER"),
        ["SAME_LOWER"] = new(1, 2, [3, 4], 2, [4, 4], Strides: [2, 2], AutoPad: "SAME_LOWER"),
        ["VALID"] = new(1, 2, [3, 4], 2, [3, 3], Strides: [2, 2], AutoPad: "VALID"),
        ["1-D"] = new(2, 3, [7], 2, [4], Strides: [3], Pads: [1, 2], OutputPadding: [1]),
        ["3-D"] = new(1, 2, [3, 2, 4], 2, [2, 3, 2], Strides: [2, 1, 2], Pads: [0, 1, 1, 1, 0, 0], Act: Activation.Tanh),
        ["weights not constant"] = new(1, 3, [4, 4], 2, [3, 3], Strides: [2, 2], ConstW: false),
        ["weights not constant, groups"] = new(2, 4, [3, 3], 2, [2, 2], Group: 2, ConstW: false),
        ["several windows"] = new(1, 32, [16, 16], 16, [4, 4], Strides: [2, 2], Pads: [1, 1, 1, 1], Act: Activation.LeakyRelu(0.1f)),
        ["batch 2 several windows"] = new(2, 16, [20, 20], 8, [2, 2], Strides: [2, 2]),
        ["1x1 input"] = new(1, 3, [1, 1], 4, [3, 3], Strides: [2, 2]),
    };

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesReference(string name)
    {
        var c = Cases[name];
        int r = c.Spatial.Length, m = c.GroupOutputs * c.Group;
        int[] xShape = [c.N, c.C, .. c.Spatial], wShape = [c.C, c.GroupOutputs, .. c.Kernel];
        var x = NnRunner.RandomTensor(1, xShape);
        var w = NnRunner.RandomTensor(2, wShape);
        var b = NnRunner.RandomTensor(3, m);
        var attrs = new List<AttributeDef> { AttributeDef.FromInt("group", c.Group), AttributeDef.FromString("auto_pad", c.AutoPad) };
        void Ints(string n, int[]? v)
        {
            if (v is not null) attrs.Add(AttributeDef.FromInts(n, v.Select(e => (long)e).ToArray()));
        }
        Ints("strides", c.Strides);
        Ints("dilations", c.Dilations);
        Ints("pads", c.Pads);
        Ints("output_padding", c.OutputPadding);
        Ints("output_shape", c.OutputShape);
        ConvTests.AddActivation(attrs, c.Act);

        var (expected, yShape) = Reference(c, x.ToArray<float>(), w.ToArray<float>(), c.Bias ? b.ToArray<float>() : null);
        var y = NnRunner.Run(OpType.ConvTranspose, [new(x), new(w, c.ConstW), c.Bias ? new(b, true) : null], 1, [.. attrs], alsoFolded: true)[0];
        Assert.Equal(yShape, y.Shape.ToArray());
        NnRunner.AssertClose(expected, y, 2e-5f, name);
    }

    /// <summary>Every input element times every kernel tap, added where the tap lands in the output.</summary>
    private static (float[] Y, int[] Shape) Reference(Case c, float[] x, float[] w, float[]? bias)
    {
        int r = c.Spatial.Length, cg = c.C / c.Group, mg = c.GroupOutputs, m = mg * c.Group;
        int[] s = c.Strides ?? Enumerable.Repeat(1, r).ToArray(), dl = c.Dilations ?? Enumerable.Repeat(1, r).ToArray();
        int[] op = c.OutputPadding ?? new int[r];
        var pads = c.Pads ?? new int[2 * r];
        var outSize = new int[r];
        for (int d = 0; d < r; d++)
        {
            int full = s[d] * (c.Spatial[d] - 1) + op[d] + (c.Kernel[d] - 1) * dl[d] + 1;
            if (c.OutputShape is not null)
            {
                // Python's floor division, as the ONNX reference implementation; NOTSET keeps the start and cuts/extends the end.
                int total = full - c.OutputShape[d], half = (int)Math.Floor(total / 2.0);
                pads = pads.ToArray();
                pads[d] = c.AutoPad switch { "SAME_UPPER" => half, "SAME_LOWER" => total - half, _ => 0 };
                pads[d + r] = total - pads[d];
                outSize[d] = c.OutputShape[d];
            }
            else
            {
                if (c.AutoPad is "SAME_UPPER" or "SAME_LOWER")
                {
                    // Output = input·stride (ONNX shape inference: total padding max(0, effective kernel − stride)).
                    int total = Math.Max(0, (c.Kernel[d] - 1) * dl[d] + 1 - s[d]);
                    pads = pads.ToArray();
                    pads[d] = c.AutoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                    pads[d + r] = total - pads[d];
                }
                else if (c.AutoPad == "VALID")
                    pads = new int[2 * r];
                outSize[d] = full - pads[d] - pads[d + r];
            }
        }
        int[] yShape = [c.N, m, .. outSize];
        var y = new float[yShape.Aggregate(1, (a, v) => a * v)];
        int outPlane = outSize.Aggregate(1, (a, v) => a * v);
        for (int n = 0; n < c.N; n++)
            for (int ch = 0; ch < m; ch++)
                for (int p = 0; p < outPlane; p++)
                    y[(n * m + ch) * outPlane + p] = bias?[ch] ?? 0f;
        var o = new int[r];
        foreach (var xi in Nd.All([c.N, c.C, .. c.Spatial]))
        {
            int n = xi[0], ci = xi[1], g = ci / cg;
            float xv = x[Nd.Offset(xi, [c.N, c.C, .. c.Spatial])];
            for (int mi = 0; mi < mg; mi++)
                foreach (var k in Nd.All(c.Kernel))
                {
                    bool inside = true;
                    for (int d = 0; d < r; d++)
                    {
                        o[d] = xi[d + 2] * s[d] - pads[d] + k[d] * dl[d];
                        inside &= o[d] >= 0 && o[d] < outSize[d];
                    }
                    if (!inside) continue;
                    float wv = w[Nd.Offset([ci, mi, .. k], [c.C, mg, .. c.Kernel])];
                    y[(n * m + g * mg + mi) * outPlane + Nd.Offset(o, outSize)] += xv * wv;
                }
        }
        return (y.Select(c.Act.Apply).ToArray(), yShape);
    }
}
