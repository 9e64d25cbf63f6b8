using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

/// <summary>RoiAlign, MaxRoiPool, MaxUnpool and NonMaxSuppression against references written from the ONNX definitions.</summary>
public class RoiDetectionTests
{
    /// <summary>The bilinear sample of RoiAlign and its four weighted corners (none outside [−1, size]).</summary>
    private static double[] Corners(float[] x, int plane, int h, int w, double y, double xx)
    {
        if (y < -1 || y > h || xx < -1 || xx > w)
            return [0, 0, 0, 0];
        y = Math.Max(y, 0);
        xx = Math.Max(xx, 0);
        int y0 = (int)y, x0 = (int)xx, y1 = y0 + 1, x1 = x0 + 1;
        if (y0 >= h - 1)
        {
            y0 = y1 = h - 1;
            y = y0;
        }
        if (x0 >= w - 1)
        {
            x0 = x1 = w - 1;
            xx = x0;
        }
        double ly = y - y0, lx = xx - x0;
        double P(int r, int c) => x[plane + r * w + c];
        return [(1 - ly) * (1 - lx) * P(y0, x0), (1 - ly) * lx * P(y0, x1), ly * (1 - lx) * P(y1, x0), ly * lx * P(y1, x1)];
    }

    private static double[] RoiAlignReference(float[] x, int[] xs, float[] rois, long[] batch, int outH, int outW, int ratio, float scale, bool halfPixel, bool max)
    {
        int c = xs[1], h = xs[2], w = xs[3];
        var y = new double[batch.Length * c * outH * outW];
        for (int r = 0; r < batch.Length; r++)
        {
            double off = halfPixel ? 0.5 : 0;
            double sx = rois[4 * r] * scale - off, sy = rois[4 * r + 1] * scale - off;
            double rw = rois[4 * r + 2] * scale - off - sx, rh = rois[4 * r + 3] * scale - off - sy;
            if (!halfPixel)
                (rw, rh) = (Math.Max(rw, 1), Math.Max(rh, 1));
            double bh = rh / outH, bw = rw / outW;
            int gh = ratio > 0 ? ratio : (int)Math.Ceiling(rh / outH), gw = ratio > 0 ? ratio : (int)Math.Ceiling(rw / outW);
            for (int ch = 0; ch < c; ch++)
                for (int ph = 0; ph < outH; ph++)
                    for (int pw = 0; pw < outW; pw++)
                    {
                        var samples = new List<double[]>();
                        for (int iy = 0; iy < gh; iy++)
                            for (int ix = 0; ix < gw; ix++)
                                samples.Add(Corners(x, (int)((batch[r] * c + ch) * h * w), h, w, sy + ph * bh + (iy + 0.5) * bh / gh, sx + pw * bw + (ix + 0.5) * bw / gw));
                        double v = samples.Count == 0 ? 0 : max ? samples.Max(s => s.Max()) : samples.Sum(s => s.Sum()) / samples.Count;
                        y[((r * c + ch) * outH + ph) * outW + pw] = v;
                    }
        }
        return y;
    }

    [Theory]
    [InlineData(2, 5, "avg", "half_pixel", 0.5f)]
    [InlineData(0, 3, "avg", "output_half_pixel", 1f)]
    [InlineData(2, 2, "max", "output_half_pixel", 1f)]
    [InlineData(0, 4, "max", "half_pixel", 0.25f)]
    [InlineData(3, 1, "avg", "half_pixel", 2f)]
    public void RoiAlignMatchesTheReference(int ratio, int outSize, string mode, string transform, float scale)
    {
        int[] xs = [2, 3, 10, 12];
        var x = ScalarReference.Floats((int)Count(xs), outSize + ratio, 0, 1);
        // Regions inside, across the border, degenerate (zero size), inverted and far outside, in input coordinates / scale.
        float[] rois =
        [
            0, 0, 9, 9, 1.5f, 2.25f, 7.5f, 8, -3, -2, 5, 4, 6, 6, 6, 6, 9, 9, 3, 2, 20, 30, 40, 50, 0.3f, 0.7f, 11.9f, 9.6f,
        ];
        for (int i = 0; i < rois.Length; i++)
            rois[i] /= scale;
        long[] batch = [0, 1, 1, 0, 1, 0, 1];
        AttributeDef[] attrs = [Attr("output_height", (long)outSize), Attr("output_width", (long)outSize + 1), Attr("sampling_ratio", (long)ratio),
            Attr("mode", mode), Attr("coordinate_transformation_mode", transform), Attr("spatial_scale", scale)];
        var y = OpRunner.RunBoth(OpType.RoiAlign, [Tensor.FromArray(x, xs), Tensor.FromArray(rois, 7, 4), Tensor.FromArray(batch, 7)], 1, attrs)[0];
        Assert.Equal([7, 3, outSize, outSize + 1], y.Shape.ToArray());
        var want = RoiAlignReference(x, xs, rois, batch, outSize, outSize + 1, ratio, scale, transform == "half_pixel", mode == "max");
        ScalarReference.AssertClose(y.ToArray<float>(), want, 1e-5, 1e-5, $"{mode} {transform}");
    }

    [Fact]
    public void RoiAlignChecksBatchIndicesAndShapes()
    {
        var x = Tensor.FromArray(new float[2 * 16], 2, 1, 4, 4);
        var rois = Tensor.FromArray(new float[] { 0, 0, 2, 2 }, 1, 4);
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.RoiAlign, [x, rois, Tensor.FromArray(new long[] { 2 }, 1)], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.RoiAlign, [x, rois, Tensor.FromArray(new long[] { 0, 0 }, 2)], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.RoiAlign, [x, rois, Tensor.FromArray(new long[] { 0 }, 1)], 1, false, Attr("mode", "sum")));
        var y64 = OpRunner.RunBoth(OpType.RoiAlign, [Tensor.FromArray(Enumerable.Range(0, 32).Select(v => (double)v).ToArray(), 2, 1, 4, 4),
            Tensor.FromArray(new double[] { 0, 0, 3, 3 }, 1, 4), Tensor.FromArray(new long[] { 1 }, 1)], 1)[0];
        // Image 1 is the ramp 16 + 4·row + col; the half-pixel region [−0.5, 2.5)² has 3×3 samples at rows/cols 0, 1, 2: mean 16 + 4 + 1.
        Assert.Equal(21, y64.ToArray<double>()[0], 12);
    }

    private static double[] MaxRoiPoolReference(float[] x, int[] xs, float[] rois, int ph, int pw, float scale)
    {
        int c = xs[1], h = xs[2], w = xs[3], n = rois.Length / 5;
        var y = new double[n * c * ph * pw];
        static int Round(float v) => (int)MathF.Round(v, MidpointRounding.AwayFromZero);
        for (int r = 0; r < n; r++)
        {
            int b = (int)rois[5 * r];
            int sw = Round(rois[5 * r + 1] * scale), sh = Round(rois[5 * r + 2] * scale), ew = Round(rois[5 * r + 3] * scale), eh = Round(rois[5 * r + 4] * scale);
            float bh = (float)Math.Max(eh - sh + 1, 1) / ph, bw = (float)Math.Max(ew - sw + 1, 1) / pw;
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < ph; i++)
                    for (int j = 0; j < pw; j++)
                    {
                        int h0 = Math.Clamp((int)MathF.Floor(i * bh) + sh, 0, h), h1 = Math.Clamp((int)MathF.Ceiling((i + 1) * bh) + sh, 0, h);
                        int w0 = Math.Clamp((int)MathF.Floor(j * bw) + sw, 0, w), w1 = Math.Clamp((int)MathF.Ceiling((j + 1) * bw) + sw, 0, w);
                        double best = h1 <= h0 || w1 <= w0 ? 0 : double.NegativeInfinity;
                        for (int yy = h0; yy < h1; yy++)
                            for (int xx = w0; xx < w1; xx++)
                                best = Math.Max(best, x[((b * c + ch) * h + yy) * w + xx]);
                        y[((r * c + ch) * ph + i) * pw + j] = best;
                    }
        }
        return y;
    }

    [Theory]
    [InlineData(2, 2, 1f)]
    [InlineData(3, 4, 0.5f)]
    [InlineData(1, 1, 0.0625f)]
    public void MaxRoiPoolMatchesTheReference(int ph, int pw, float scale)
    {
        int[] xs = [2, 3, 8, 9];
        var x = ScalarReference.Floats((int)Count(xs), ph * pw);
        float[] rois = [0, 0, 0, 7, 7, 1, 2.5f, 1.5f, 6, 5, 1, -4, -4, 2, 3, 0, 5, 5, 5, 5, 1, 7, 3, 2, 1, 0, 100, 100, 120, 140];
        for (int i = 0; i < rois.Length; i++)
            if (i % 5 != 0)
                rois[i] /= scale;
        var y = OpRunner.RunBoth(OpType.MaxRoiPool, [Tensor.FromArray(x, xs), Tensor.FromArray(rois, 6, 5)], 1,
            AttrInts("pooled_shape", ph, pw), Attr("spatial_scale", scale))[0];
        Assert.Equal([6, 3, ph, pw], y.Shape.ToArray());
        ScalarReference.AssertSame(y.ToArray<float>(), MaxRoiPoolReference(x, xs, rois, ph, pw, scale).Select(v => (float)v).ToArray());
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.MaxRoiPool, [Tensor.FromArray(x, xs), Tensor.FromArray(new float[] { 2, 0, 0, 1, 1 }, 1, 5)], 1, false, AttrInts("pooled_shape", 1, 1)));
    }

    [Theory]
    [InlineData(new[] { 1, 2, 6, 6 }, new[] { 2, 2 }, new[] { 2, 2 })]
    [InlineData(new[] { 2, 3, 7, 5 }, new[] { 3, 2 }, new[] { 2, 1 })]
    [InlineData(new[] { 2, 2, 9 }, new[] { 3 }, new[] { 3 })]
    [InlineData(new[] { 1, 2, 4, 4, 6 }, new[] { 2, 2, 3 }, new[] { 2, 2, 3 })]
    public void MaxUnpoolInvertsMaxPool(int[] xs, int[] kernel, int[] strides)
    {
        var x = Tensor.FromArray(ScalarReference.Floats((int)Count(xs), xs.Sum()), xs);
        var k = AttrInts("kernel_shape", kernel.Select(v => (long)v).ToArray());
        var s = AttrInts("strides", strides.Select(v => (long)v).ToArray());
        var pooled = OpRunner.Run(OpType.MaxPool, [x], 2, false, k, s);
        var y = OpRunner.RunBoth(OpType.MaxUnpool, [pooled[0], pooled[1]], 1, k, s)[0];
        int r = kernel.Length;
        int[] shape = [xs[0], xs[1], .. Enumerable.Range(0, r).Select(d => (pooled[0].Shape[2 + d] - 1) * strides[d] + kernel[d])];
        Assert.Equal(shape, y.Shape.ToArray());
        // Reference: zeros, with each pooled maximum written back at its index (into the default shape).
        Assert.Equal(xs, shape);
        var want = new float[Count(shape)];
        var values = pooled[0].ToArray<float>();
        var indices = pooled[1].ToArray<long>();
        var inShape = xs;
        for (int i = 0; i < values.Length; i++)
        {
            // MaxPool's index addresses X; unravel it there and ravel it in the unpooled shape.
            var coord = new int[inShape.Length];
            long rest = indices[i];
            for (int d = inShape.Length - 1; d >= 0; d--)
            {
                coord[d] = (int)(rest % inShape[d]);
                rest /= inShape[d];
            }
            if (coord.Where((v, d) => v >= shape[d]).Any())
                continue;
            want[Offset(coord, shape)] = values[i];
        }
        ScalarReference.AssertSame(y.ToArray<float>(), want);

        // A larger output_shape: the unpooled block sits at the origin of the output (ONNX's reference semantics).
        int[] larger = [.. shape[..2], .. shape[2..].Select((v, d) => v + 1 + d)];
        var big = OpRunner.RunBoth(OpType.MaxUnpool, [pooled[0], pooled[1], Const(Ints(larger.Select(v => (long)v).ToArray()))], 1, k, s)[0];
        Assert.Equal(larger, big.Shape.ToArray());
        var expected = new float[Count(larger)];
        foreach (var p in All(shape))
            expected[Offset(p, larger)] = want[Offset(p, shape)];
        ScalarReference.AssertSame(big.ToArray<float>(), expected);
    }

    [Fact]
    public void MaxUnpoolScattersAnyTypeAndChecksIndices()
    {
        var x = Tensor.FromArray(new long[] { 5, -6, 7, long.MaxValue }, 1, 1, 2, 2);
        var idx = Tensor.FromArray(new long[] { 0, 7, 13, 15 }, 1, 1, 2, 2);
        var k = AttrInts("kernel_shape", 2, 2);
        var s = AttrInts("strides", 2, 2);
        var y = OpRunner.RunBoth(OpType.MaxUnpool, [x, idx], 1, k, s)[0];
        var want = new long[16];
        (want[0], want[7], want[13], want[15]) = (5, -6, 7, long.MaxValue);
        Assert.Equal(want, y.ToArray<long>());
        // output_shape from a graph input: a dynamic step.
        var dyn = OpRunner.Run(OpType.MaxUnpool, [x, idx, Ints(1, 1, 5, 4)], 1, false, k, s)[0];
        Assert.Equal([1, 1, 5, 4], dyn.Shape.ToArray());
        Assert.Equal(-6, dyn.ToArray<long>()[7]);
        Assert.Equal(7, dyn.ToArray<long>()[13]);
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.MaxUnpool, [x, Tensor.FromArray(new long[] { 0, 1, 2, 16 }, 1, 1, 2, 2)], 1, false, k, s));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.MaxUnpool, [x, idx, Const(Ints(1, 2, 4, 4))], 1, false, k, s));
    }

    /// <summary>Greedy NMS per (batch, class) as the ONNX operator describes it.</summary>
    private static long[] NmsReference(float[] boxes, float[] scores, int batches, int classes, int n, long max, float iou, float? scoreThreshold, bool center)
    {
        (float, float, float, float) Box(int b, int i)
        {
            var v = boxes.AsSpan((b * n + i) * 4, 4);
            return center ? (v[1] - v[3] / 2, v[0] - v[2] / 2, v[1] + v[3] / 2, v[0] + v[2] / 2)
                : (Math.Min(v[0], v[2]), Math.Min(v[1], v[3]), Math.Max(v[0], v[2]), Math.Max(v[1], v[3]));
        }
        float Iou((float Y0, float X0, float Y1, float X1) a, (float Y0, float X0, float Y1, float X1) b)
        {
            float w = Math.Min(a.X1, b.X1) - Math.Max(a.X0, b.X0), h = Math.Min(a.Y1, b.Y1) - Math.Max(a.Y0, b.Y0);
            if (w <= 0 || h <= 0)
                return 0;
            float inter = w * h, areaA = (a.X1 - a.X0) * (a.Y1 - a.Y0), areaB = (b.X1 - b.X0) * (b.Y1 - b.Y0);
            return areaA <= 0 || areaB <= 0 ? 0 : inter / (areaA + areaB - inter);
        }
        var rows = new List<long>();
        for (int b = 0; b < batches; b++)
            for (int c = 0; c < classes; c++)
            {
                var order = Enumerable.Range(0, n).Where(i => scoreThreshold is not { } t || scores[(b * classes + c) * n + i] > t)
                    .OrderByDescending(i => scores[(b * classes + c) * n + i]).ThenBy(i => i).ToList();
                var kept = new List<int>();
                foreach (int i in order)
                {
                    if (kept.Count >= max)
                        break;
                    if (kept.All(j => !(Iou(Box(b, i), Box(b, j)) > iou)))
                    {
                        kept.Add(i);
                        rows.AddRange([b, c, i]);
                    }
                }
            }
        return [.. rows];
    }

    [Theory]
    [InlineData(1, 1, 6, 3L, 0.5f, null, false)]
    [InlineData(2, 3, 40, 5L, 0.3f, 0.2f, false)]
    [InlineData(2, 2, 40, 100L, 0.6f, 0.5f, true)]
    [InlineData(1, 4, 25, 1L, 0f, null, false)]
    [InlineData(3, 1, 30, 0L, 0.5f, null, false)]
    public void NonMaxSuppressionMatchesGreedySelection(int batches, int classes, int n, long max, float iou, float? scoreThreshold, bool center)
    {
        var rng = new Random(n + classes);
        var boxes = new float[batches * n * 4];
        for (int i = 0; i < batches * n; i++)
        {
            float a = rng.Next(0, 10) * 0.5f, b = rng.Next(0, 10) * 0.5f, w = rng.Next(0, 6) * 0.5f, h = rng.Next(1, 6) * 0.5f;
            // Corner boxes in either order; centre boxes as (x, y, w, h).
            if (center)
                (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]) = (a, b, w, h);
            else if (i % 2 == 0)
                (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]) = (a, b, a + h, b + w);
            else
                (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]) = (a + h, b + w, a, b);
        }
        // Few distinct scores, so that ties are frequent.
        var scores = Enumerable.Range(0, batches * classes * n).Select(_ => rng.Next(0, 8) / 8f).ToArray();
        var inputs = new OpInput[]
        {
            Tensor.FromArray(boxes, batches, n, 4), Tensor.FromArray(scores, batches, classes, n), Ints(max),
            Tensor.FromArray(new[] { iou }, 1), scoreThreshold is { } t ? Tensor.FromArray(new[] { t }, 1) : new OpInput(null),
        };
        var attr = Attr("center_point_box", center ? 1L : 0);
        var want = NmsReference(boxes, scores, batches, classes, n, max, iou, scoreThreshold, center);
        // Folded at plan time, and as a dynamic step with every input fed while running.
        foreach (bool fold in new[] { true, false })
        {
            var y = OpRunner.Run(OpType.NonMaxSuppression, inputs, 1, fold, attr)[0];
            Assert.Equal([want.Length / 3, 3], y.Shape.ToArray());
            Assert.Equal(want, y.ToArray<long>());
        }
    }

    [Fact]
    public void NonMaxSuppressionDefaultsToNoBoxes()
    {
        var boxes = Tensor.FromArray(new float[] { 0, 0, 1, 1, 0, 0, 1, 1 }, 1, 2, 4);
        var scores = Tensor.FromArray(new float[] { 0.9f, 0.8f }, 1, 1, 2);
        var y = OpRunner.RunBoth(OpType.NonMaxSuppression, [boxes, scores], 1)[0];
        Assert.Equal([0, 3], y.Shape.ToArray());
        // Identical boxes: IoU 1 suppresses the second; NaN scores go last.
        var nan = Tensor.FromArray(new float[] { float.NaN, 0.1f }, 1, 1, 2);
        var z = OpRunner.RunBoth(OpType.NonMaxSuppression, [boxes, nan, Ints(5), Tensor.FromArray(new[] { 0.5f }, 1)], 1)[0];
        Assert.Equal(new long[] { 0, 0, 1 }, z.ToArray<long>());
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.NonMaxSuppression, [boxes, Tensor.FromArray(new float[3], 1, 1, 3)], 1, false));
    }
}
