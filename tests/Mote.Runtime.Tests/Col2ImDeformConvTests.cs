using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

/// <summary>Col2Im and DeformConv against references written from the ONNX definitions.</summary>
public class Col2ImDeformConvTests
{
    /// <summary>Col2Im: column (c·Πblock + k, l) adds into image position l_pos·stride − padBegin + k·dilation when inside.</summary>
    private static double[] Col2ImReference(double[] x, int[] xs, int[] image, int[] block, int[] strides, int[] dilations, int[] pads)
    {
        int r = image.Length, kernel = (int)Count(block), c = xs[1] / kernel;
        var blocks = Enumerable.Range(0, r).Select(d => (image[d] + pads[d] + pads[d + r] - dilations[d] * (block[d] - 1) - 1) / strides[d] + 1).ToArray();
        var y = new double[xs[0] * c * Count(image)];
        for (int n = 0; n < xs[0]; n++)
            for (int ch = 0; ch < c; ch++)
                foreach (var k in All(block))
                    foreach (var l in All(blocks))
                    {
                        var pos = Enumerable.Range(0, r).Select(d => l[d] * strides[d] - pads[d] + k[d] * dilations[d]).ToArray();
                        if (pos.Where((p, d) => p < 0 || p >= image[d]).Any())
                            continue;
                        double v = x[((n * xs[1]) + ch * kernel + Offset(k, block)) * xs[2] + Offset(l, blocks)];
                        y[(n * c + ch) * Count(image) + Offset(pos, image)] += v;
                    }
        return y;
    }

    public static TheoryData<int[], int[], int[], int[], int[], int> Col2ImCases() => new()
    {
        // image, block, strides, dilations, pads, channels
        { [5, 5], [1, 5], [1, 1], [1, 1], [0, 0, 0, 0], 1 },
        { [5, 5], [2, 2], [2, 2], [1, 1], [0, 0, 1, 1], 2 },
        { [6, 7], [3, 2], [1, 2], [2, 1], [1, 0, 2, 1], 3 },
        { [9], [3], [2], [1], [1, 1], 2 },
        { [3, 4, 5], [1, 2, 2], [1, 1, 2], [1, 2, 1], [0, 1, 1, 0, 0, 1], 2 },
        { [4, 4], [4, 4], [1, 1], [1, 1], [0, 0, 0, 0], 1 },
    };

    [Theory]
    [MemberData(nameof(Col2ImCases))]
    public void Col2ImSumsOverlappingBlocks(int[] image, int[] block, int[] strides, int[] dilations, int[] pads, int channels)
    {
        int r = image.Length, kernel = (int)Count(block);
        int blocks = (int)Count(Enumerable.Range(0, r).Select(d => (image[d] + pads[d] + pads[d + r] - dilations[d] * (block[d] - 1) - 1) / strides[d] + 1).ToArray());
        int[] xs = [2, channels * kernel, blocks];
        var x = ScalarReference.Floats((int)Count(xs), blocks + kernel);
        AttributeDef[] attrs = [AttrInts("strides", strides.Select(v => (long)v).ToArray()), AttrInts("dilations", dilations.Select(v => (long)v).ToArray()),
            AttrInts("pads", pads.Select(v => (long)v).ToArray())];
        var shapes = new OpInput[] { Const(Ints(image.Select(v => (long)v).ToArray())), Const(Ints(block.Select(v => (long)v).ToArray())) };
        var y = OpRunner.RunBoth(OpType.Col2Im, [Tensor.FromArray(x, xs), .. shapes], 1, attrs)[0];
        Assert.Equal([2, channels, .. image], y.Shape.ToArray());
        var want = Col2ImReference(x.Select(v => (double)v).ToArray(), xs, image, block, strides, dilations, pads);
        ScalarReference.AssertClose(y.ToArray<float>(), want, 1e-6, 1e-6);

        // Integers take the scalar path and must sum exactly.
        var xi = x.Select(v => (long)(v * 100)).ToArray();
        var yi = OpRunner.RunBoth(OpType.Col2Im, [Tensor.FromArray(xi, xs), .. shapes], 1, attrs)[0];
        Assert.Equal(Col2ImReference(xi.Select(v => (double)v).ToArray(), xs, image, block, strides, dilations, pads).Select(v => (long)v).ToArray(), yi.ToArray<long>());
    }

    [Fact]
    public void Col2ImNeedsMatchingBlockCounts()
    {
        var x = Tensor.FromArray(new float[2 * 4 * 10], 2, 4, 10);
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Col2Im, [x, Const(Ints(4, 4)), Const(Ints(2, 2))], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Col2Im, [x, Const(Ints(4, 4)), Const(Ints(3, 1))], 1, false));
        // image_shape computed while running: a dynamic step that still checks the sizes.
        var ok = OpRunner.Run(OpType.Col2Im, [Tensor.FromArray(new float[2 * 4 * 9], 2, 4, 9), Ints(4, 4), Ints(2, 2)], 1, false)[0];
        Assert.Equal([2, 1, 4, 4], ok.Shape.ToArray());
    }

    /// <summary>
    /// DeformConv as torchvision defines it: y[n, m, oh, ow] = B[m] + Σ_{c in group, i, j} W[m, c, i, j] · mask ·
    /// bilinear(x[n, c], oh·sh − pt + i·dh + Δh, ow·sw − pl + j·dw + Δw), corners outside the image 0.
    /// </summary>
    private static double[] DeformReference(float[] x, int[] xs, float[] w, int[] ws, float[] offset, float[]? mask, float[]? bias,
        int[] strides, int[] dilations, int[] pads, int group, int offsetGroup, int oh, int ow)
    {
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3], m = ws[0], cg = ws[1], kh = ws[2], kw = ws[3];
        var y = new double[n * m * oh * ow];
        double Pixel(int b, int ch, int py, int px) => py >= 0 && py < h && px >= 0 && px < wd ? x[((b * c + ch) * h + py) * wd + px] : 0;
        for (int b = 0; b < n; b++)
            for (int o = 0; o < m; o++)
                for (int py = 0; py < oh; py++)
                    for (int px = 0; px < ow; px++)
                    {
                        double sum = bias?[o] ?? 0;
                        for (int ci = 0; ci < cg; ci++)
                        {
                            int ch = o / (m / group) * cg + ci, og = ch / (c / offsetGroup);
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int k = i * kw + j;
                                    double dy = offset[(((b * offsetGroup + og) * kh * kw + k) * 2 * oh + py) * ow + px];
                                    double dx = offset[((((b * offsetGroup + og) * kh * kw + k) * 2 + 1) * oh + py) * ow + px];
                                    double sy = py * strides[0] - pads[0] + i * dilations[0] + dy, sx = px * strides[1] - pads[1] + j * dilations[1] + dx;
                                    double v = 0;
                                    if (sy > -1 && sy < h && sx > -1 && sx < wd)
                                    {
                                        int y0 = (int)Math.Floor(sy), x0 = (int)Math.Floor(sx);
                                        double ly = sy - y0, lx = sx - x0;
                                        v = (1 - ly) * (1 - lx) * Pixel(b, ch, y0, x0) + (1 - ly) * lx * Pixel(b, ch, y0, x0 + 1)
                                            + ly * (1 - lx) * Pixel(b, ch, y0 + 1, x0) + ly * lx * Pixel(b, ch, y0 + 1, x0 + 1);
                                    }
                                    double mk = mask is null ? 1 : mask[(((b * offsetGroup + og) * kh * kw + k) * oh + py) * ow + px];
                                    sum += w[((o * cg + ci) * kh + i) * kw + j] * mk * v;
                                }
                        }
                        y[((b * m + o) * oh + py) * ow + px] = sum;
                    }
        return y;
    }

    public static TheoryData<int[], int[], int, int, int[], int[], int[], bool, bool> DeformCases() => new()
    {
        // X, W, group, offset_group, strides, dilations, pads, mask, bias
        { [1, 1, 3, 3], [1, 1, 2, 2], 1, 1, [1, 1], [1, 1], [0, 0, 0, 0], false, false },
        { [2, 4, 6, 5], [6, 2, 3, 3], 2, 2, [1, 1], [1, 1], [1, 1, 1, 1], true, true },
        { [1, 6, 7, 8], [4, 3, 3, 2], 2, 3, [2, 1], [1, 2], [0, 1, 2, 0], true, false },
        { [2, 3, 5, 5], [5, 3, 1, 1], 1, 1, [1, 1], [1, 1], [0, 0, 0, 0], false, true },
        { [1, 2, 9, 9], [3, 2, 3, 3], 1, 2, [2, 2], [2, 2], [2, 2, 2, 2], true, true },
    };

    [Theory]
    [MemberData(nameof(DeformCases))]
    public void DeformConvMatchesTheReference(int[] xs, int[] ws, int group, int offsetGroup, int[] strides, int[] dilations, int[] pads, bool withMask, bool withBias)
    {
        int oh = (xs[2] + pads[0] + pads[2] - dilations[0] * (ws[2] - 1) - 1) / strides[0] + 1;
        int ow = (xs[3] + pads[1] + pads[3] - dilations[1] * (ws[3] - 1) - 1) / strides[1] + 1;
        int taps = ws[2] * ws[3];
        int seed = xs.Sum() + ws.Sum();
        var x = ScalarReference.Floats((int)Count(xs), seed);
        var w = ScalarReference.Floats((int)Count(ws), seed + 1);
        // Offsets up to ±2.5 pixels, so that samples fall between pixels and off the image.
        var offset = ScalarReference.Floats(xs[0] * offsetGroup * taps * 2 * oh * ow, seed + 2, -2.5f, 2.5f);
        offset[0] = 0;
        offset[1] = -1f;
        var mask = withMask ? ScalarReference.Floats(xs[0] * offsetGroup * taps * oh * ow, seed + 3, 0, 1) : null;
        var bias = withBias ? ScalarReference.Floats(ws[0], seed + 4) : null;
        var inputs = new OpInput[]
        {
            Tensor.FromArray(x, xs), Const(Tensor.FromArray(w, ws)), Tensor.FromArray(offset, xs[0], offsetGroup * taps * 2, oh, ow),
            bias is null ? new OpInput(null) : Const(Tensor.FromArray(bias, ws[0])), mask is null ? new OpInput(null) : Tensor.FromArray(mask, xs[0], offsetGroup * taps, oh, ow),
        };
        AttributeDef[] attrs = [Attr("group", (long)group), Attr("offset_group", (long)offsetGroup), AttrInts("strides", strides.Select(v => (long)v).ToArray()),
            AttrInts("dilations", dilations.Select(v => (long)v).ToArray()), AttrInts("pads", pads.Select(v => (long)v).ToArray())];
        var y = OpRunner.RunBoth(OpType.DeformConv, inputs, 1, attrs)[0];
        Assert.Equal([xs[0], ws[0], oh, ow], y.Shape.ToArray());
        var want = DeformReference(x, xs, w, ws, offset, mask, bias, strides, dilations, pads, group, offsetGroup, oh, ow);
        ScalarReference.AssertClose(y.ToArray<float>(), want, 1e-5, 1e-5);

        // f64 takes the plain product.
        var d = inputs.Select(i => i.Value is null ? i : new OpInput(Tensor.FromArray(i.Value.ToArray<float>().Select(v => (double)v).ToArray(), i.Value.Shape.ToArray()), i.Constant)).ToArray();
        var y64 = OpRunner.RunBoth(OpType.DeformConv, d, 1, attrs)[0];
        ScalarReference.AssertClose(y64.ToArray<double>().Select(v => (float)v).ToArray(), want, 1e-5, 1e-5, "f64");
    }

    [Fact]
    public void DeformConvWithZeroOffsetsIsConv()
    {
        int[] xs = [2, 4, 9, 7], ws = [6, 2, 3, 3];
        var x = Tensor.FromArray(ScalarReference.Floats((int)Count(xs), 1), xs);
        var w = Tensor.FromArray(ScalarReference.Floats((int)Count(ws), 2), ws);
        var b = Tensor.FromArray(ScalarReference.Floats(6, 3), 6);
        AttributeDef[] attrs = [Attr("group", 2L), AttrInts("strides", 2, 1), AttrInts("pads", 1, 0, 1, 2), AttrInts("dilations", 1, 2)];
        var conv = OpRunner.Run(OpType.Conv, [x, Const(w), Const(b)], 1, false, attrs)[0];
        var offset = Tensor.Zeros(DataType.Float32, 2, 2 * 9, conv.Shape[2], conv.Shape[3]);
        var deform = OpRunner.Run(OpType.DeformConv, [x, Const(w), offset, Const(b)], 1, false, attrs)[0];
        ScalarReference.AssertClose(deform.ToArray<float>(), conv.ToArray<float>().Select(v => (double)v).ToArray(), 1e-5, 1e-5);
    }

    [Fact]
    public void DeformConvRejectsBadShapes()
    {
        var x = Tensor.FromArray(new float[18], 1, 2, 3, 3);
        var w = Tensor.FromArray(new float[8], 1, 2, 2, 2);
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.DeformConv, [x, w, Tensor.FromArray(new float[24], 1, 6, 2, 2)], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.DeformConv, [x, w, Tensor.FromArray(new float[32], 1, 8, 2, 2), new OpInput(null), Tensor.FromArray(new float[8], 1, 2, 2, 2)], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.DeformConv, [x, w, Tensor.FromArray(new float[16], 1, 4, 2, 2)], 1, false, Attr("group", 2L)));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.DeformConv, [x, w, Tensor.FromArray(new float[32], 1, 8, 2, 2)], 1, false, Attr("offset_group", 3L)));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.DeformConv, [Tensor.FromArray(new float[6], 1, 2, 3), Tensor.FromArray(new float[4], 1, 2, 2), Tensor.FromArray(new float[4], 1, 2, 2)], 1, false));
    }
}
