using Mote.Format;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>MaxPool, AveragePool, LpPool and the global pools through sessions against a reference written here from the ONNX definitions.</summary>
public class PoolTests
{
    public sealed record Case(int N, int C, int[] Spatial, int[] Kernel, int[]? Strides = null, int[]? Dilations = null, int[]? Pads = null,
        string AutoPad = "NOTSET", bool Ceil = false, bool IncludePad = false);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["2x2 stride 2"] = new(1, 3, [8, 8], [2, 2], Strides: [2, 2]),
        ["3x3 stride 2 pad 1, batch 2"] = new(2, 5, [13, 11], [3, 3], Strides: [2, 2], Pads: [1, 1, 1, 1]),
        ["ceil mode"] = new(1, 2, [10, 9], [3, 3], Strides: [2, 2], Ceil: true),
        ["ceil mode, last window would start in the padding"] = new(1, 2, [6, 6], [3, 3], Strides: [3, 3], Pads: [1, 1, 1, 1], Ceil: true),
        ["ceil mode count_include_pad"] = new(1, 2, [7, 8], [3, 3], Strides: [2, 2], Pads: [1, 1, 1, 1], Ceil: true, IncludePad: true),
        ["count_include_pad asymmetric"] = new(3, 2, [5, 6], [3, 2], Pads: [2, 1, 0, 1], IncludePad: true),
        ["stride 3 dilation 2"] = new(1, 2, [14, 12], [3, 3], Strides: [3, 3], Dilations: [2, 2]),
        ["kernel larger than input, padded"] = new(1, 2, [2, 3], [4, 5], Pads: [2, 2, 2, 2]),
        ["1x1 image"] = new(2, 3, [1, 1], [1, 1]),
        ["1x1 image, 3x3 kernel, pad 1"] = new(1, 2, [1, 1], [3, 3], Pads: [1, 1, 1, 1]),
        ["SAME_UPPER stride 2"] = new(1, 2, [7, 8], [3, 3], Strides: [2, 2], AutoPad: "SAME_UPPER"),
        ["SAME_LOWER kernel 2"] = new(1, 2, [5, 5], [2, 2], AutoPad: "SAME_LOWER"),
        ["SAME_UPPER count_include_pad"] = new(1, 2, [5, 6], [3, 3], AutoPad: "SAME_UPPER", IncludePad: true),
        ["VALID"] = new(1, 2, [7, 7], [3, 3], Strides: [2, 2], AutoPad: "VALID"),
        ["1-D"] = new(2, 3, [17], [3], Strides: [2], Pads: [1, 1]),
        ["1-D ceil"] = new(1, 2, [10], [4], Strides: [3], Ceil: true),
        ["3-D"] = new(1, 2, [5, 6, 7], [2, 3, 2], Strides: [2, 1, 2], Pads: [0, 1, 1, 1, 1, 0]),
        ["3-D dilation ceil"] = new(1, 1, [7, 6, 8], [2, 2, 2], Strides: [2, 2, 2], Dilations: [2, 1, 2], Ceil: true),
        ["large plane, many channels"] = new(1, 64, [55, 55], [3, 3], Strides: [2, 2], Ceil: true),
    };

    public static TheoryData<string, string> Names()
    {
        var d = new TheoryData<string, string>();
        foreach (var n in Cases.Keys)
            foreach (var op in new[] { "MaxPool", "AveragePool", "LpPool" })
                d.Add(op, n);
        return d;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesReference(string op, string name)
    {
        var c = Cases[name];
        int[] xShape = [c.N, c.C, .. c.Spatial];
        var x = NnRunner.RandomTensor(5, xShape);
        var attrs = Attributes(c);
        if (op == "AveragePool") attrs.Add(AttributeDef.FromInt("count_include_pad", c.IncludePad ? 1 : 0));
        if (op == "LpPool") attrs.Add(AttributeDef.FromInt("p", 3));
        var (expected, _, yShape) = Reference(op, c, x.ToArray<float>().Select(v => (double)v).ToArray(), columnMajor: false, p: 3);
        var y = NnRunner.Run(Enum.Parse<OpType>(op), [new(x)], 1, [.. attrs], alsoFolded: true)[0];
        Assert.Equal(yShape, y.Shape.ToArray());
        NnRunner.AssertClose(expected.Select(v => (float)v).ToArray(), y, 1e-5f, $"{op} {name}");
    }

    [Theory]
    [InlineData("2x2 stride 2", false)]
    [InlineData("3x3 stride 2 pad 1, batch 2", true)]
    [InlineData("ceil mode count_include_pad", false)]
    [InlineData("1-D", true)]
    [InlineData("3-D", false)]
    [InlineData("3-D dilation ceil", true)]
    public void MaxPoolIndices(string name, bool columnMajor)
    {
        var c = Cases[name];
        int[] xShape = [c.N, c.C, .. c.Spatial];
        var x = NnRunner.RandomTensor(6, xShape);
        var attrs = Attributes(c);
        attrs.Add(AttributeDef.FromInt("storage_order", columnMajor ? 1 : 0));
        var (expected, indices, _) = Reference("MaxPool", c, x.ToArray<float>().Select(v => (double)v).ToArray(), columnMajor, 2);
        var outs = NnRunner.Run(OpType.MaxPool, [new(x)], 2, [.. attrs], alsoFolded: true);
        NnRunner.AssertClose(expected.Select(v => (float)v).ToArray(), outs[0], 0f, name);
        Assert.Equal(DataType.Int64, outs[1].Type);
        Assert.Equal(indices, outs[1].ToArray<long>());
    }

    [Fact]
    public void MaxPoolOfIntegersAndDoubles()
    {
        var c = Cases["3x3 stride 2 pad 1, batch 2"];
        int[] xShape = [c.N, c.C, .. c.Spatial];
        var src = NnRunner.Random(xShape.Aggregate(1, (a, d) => a * d), 7, 100f);
        var (expected, _, _) = Reference("MaxPool", c, src.Select(v => (double)(sbyte)v).ToArray(), false, 2);
        var y = NnRunner.Single(OpType.MaxPool, [new(Tensor.FromArray(src.Select(v => (sbyte)v).ToArray(), xShape))], [.. Attributes(c)]);
        Assert.Equal(expected.Select(v => (sbyte)v).ToArray(), y.ToArray<sbyte>());
        var yd = NnRunner.Single(OpType.AveragePool, [new(Tensor.FromArray(src.Select(v => (double)v).ToArray(), xShape))], [.. Attributes(c)]);
        var (ed, _, _) = Reference("AveragePool", c, src.Select(v => (double)v).ToArray(), false, 2);
        var ad = yd.ToArray<double>();
        for (int i = 0; i < ed.Length; i++)
            Assert.True(Math.Abs(ed[i] - ad[i]) <= 1e-12 * (1 + Math.Abs(ed[i])), $"element {i}: {ad[i]} vs {ed[i]}");
    }

    [Fact]
    public void MaxPoolPropagatesNaNAndInfinity()
    {
        var v = new float[16];
        v[5] = float.NaN;
        v[10] = float.PositiveInfinity;
        v[15] = float.NegativeInfinity;
        var y = NnRunner.Single(OpType.MaxPool, [new(Tensor.FromArray(v, 1, 1, 4, 4))],
            AttributeDef.FromInts("kernel_shape", [2, 2]), AttributeDef.FromInts("strides", [2, 2])).ToArray<float>();
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal([0f, 0f, float.PositiveInfinity], y[1..]);
    }

    [Theory]
    [InlineData("GlobalAveragePool")]
    [InlineData("GlobalMaxPool")]
    [InlineData("GlobalLpPool")]
    public void GlobalPools(string op)
    {
        foreach (int[] shape in new[] { new[] { 2, 3, 5, 7 }, [1, 64, 13, 13], [3, 4, 9], [1, 2, 3, 4, 5], [2, 5, 1, 1], [2, 3] })
        {
            var x = NnRunner.RandomTensor(8, shape);
            var xs = x.ToArray<float>();
            int planes = shape[0] * shape[1], spatial = xs.Length / planes;
            var expected = new float[planes];
            for (int i = 0; i < planes; i++)
            {
                var plane = xs.AsSpan(i * spatial, spatial).ToArray().Select(v => (double)v).ToArray();
                expected[i] = (float)(op switch
                {
                    "GlobalAveragePool" => plane.Average(),
                    "GlobalMaxPool" => plane.Max(),
                    _ => Math.Sqrt(plane.Sum(v => v * v)),
                });
            }
            var y = NnRunner.Run(Enum.Parse<OpType>(op), [new(x)], 1, [], alsoFolded: true)[0];
            Assert.Equal([shape[0], shape[1], .. Enumerable.Repeat(1, shape.Length - 2)], y.Shape.ToArray());
            NnRunner.AssertClose(expected, y, 1e-5f, $"{op} {string.Join("x", shape)}");
        }
    }

    [Fact]
    public void RejectsMissingKernelShape()
    {
        Assert.ThrowsAny<MoteException>(() => NnRunner.Single(OpType.MaxPool, [new(NnRunner.RandomTensor(1, 1, 1, 4, 4))]));
    }

    private static List<AttributeDef> Attributes(Case c)
    {
        var attrs = new List<AttributeDef>
        {
            AttributeDef.FromInts("kernel_shape", c.Kernel.Select(v => (long)v).ToArray()),
            AttributeDef.FromString("auto_pad", c.AutoPad),
            AttributeDef.FromInt("ceil_mode", c.Ceil ? 1 : 0),
        };
        if (c.Strides is not null) attrs.Add(AttributeDef.FromInts("strides", c.Strides.Select(v => (long)v).ToArray()));
        if (c.Dilations is not null) attrs.Add(AttributeDef.FromInts("dilations", c.Dilations.Select(v => (long)v).ToArray()));
        if (c.Pads is not null) attrs.Add(AttributeDef.FromInts("pads", c.Pads.Select(v => (long)v).ToArray()));
        return attrs;
    }

    /// <summary>
    /// Pooling as the ONNX operator docs define it, in double: output sizes with floor or ceil (a ceil-mode window
    /// starting in the end padding is dropped), auto_pad from ⌈in/stride⌉; max and Lp skip padding; average divides
    /// by the taps inside the input, or with count_include_pad by those inside the padded input.
    /// </summary>
    private static (double[] Y, long[] Indices, int[] Shape) Reference(string op, Case c, double[] x, bool columnMajor, int p)
    {
        int r = c.Spatial.Length;
        int[] s = c.Strides ?? Enumerable.Repeat(1, r).ToArray(), dl = c.Dilations ?? Enumerable.Repeat(1, r).ToArray();
        int[] pads = c.AutoPad == "NOTSET" ? c.Pads ?? new int[2 * r] : ConvTests.ExpectedPads(c.Spatial, c.Kernel, s, dl, c.AutoPad, null);
        var outSize = new int[r];
        for (int d = 0; d < r; d++)
        {
            double span = c.Spatial[d] + pads[d] + pads[d + r] - ((c.Kernel[d] - 1) * dl[d] + 1);
            int o = (int)(c.Ceil ? Math.Ceiling(span / s[d]) : Math.Floor(span / s[d])) + 1;
            if (c.Ceil && (o - 1) * s[d] >= c.Spatial[d] + pads[d]) o--;
            outSize[d] = o;
        }
        int[] yShape = [c.N, c.C, .. outSize];
        int inPlane = c.Spatial.Aggregate(1, (a, v) => a * v);
        var y = new List<double>();
        var idx = new List<long>();
        foreach (var o in Nd.All(yShape))
        {
            int plane = o[0] * c.C + o[1];
            double max = double.NegativeInfinity, sum = 0, lp = 0;
            long arg = -1;
            int inside = 0, padded = 0;
            foreach (var k in Nd.All(c.Kernel))
            {
                var pos = new int[r];
                bool inInput = true, inPadded = true;
                for (int d = 0; d < r; d++)
                {
                    pos[d] = o[d + 2] * s[d] - pads[d] + k[d] * dl[d];
                    inInput &= pos[d] >= 0 && pos[d] < c.Spatial[d];
                    inPadded &= pos[d] >= -pads[d] && pos[d] < c.Spatial[d] + pads[d + r];
                }
                if (inPadded) padded++;
                if (!inInput) continue;
                inside++;
                double v = x[plane * inPlane + Nd.Offset(pos, c.Spatial)];
                sum += v;
                lp += Math.Pow(Math.Abs(v), p);
                if (arg < 0 || v > max)
                {
                    max = v;
                    // Flat index over the whole input, the spatial part row- or column-major.
                    long spatialIndex = columnMajor ? Nd.Offset(pos.Reverse().ToArray(), c.Spatial.Reverse().ToArray()) : Nd.Offset(pos, c.Spatial);
                    arg = (long)plane * inPlane + spatialIndex;
                }
            }
            int n = c.IncludePad ? padded : inside;
            y.Add(op switch { "MaxPool" => max, "AveragePool" => n == 0 ? 0 : sum / n, _ => Math.Pow(lp, 1.0 / p) });
            idx.Add(arg);
        }
        return ([.. y], [.. idx], yShape);
    }
}
