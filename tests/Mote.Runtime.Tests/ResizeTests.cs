using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

public class ResizeTests
{
    private static float[] Data(int[] shape, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, (int)Count(shape)).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
    }

    /// <summary>Runs Resize with scales (per listed axis) and compares with the spec reference.</summary>
    private static void CheckScales(int[] shape, float[] scales, long[]? axes, string mode, string coords = "half_pixel", string nearest = "round_prefer_floor",
        float a = -0.75f, bool exclude = false, bool antialias = false, int seed = 1)
    {
        var x = Data(shape, seed);
        int r = shape.Length;
        var listed = axes?.Select(v => (int)(v < 0 ? v + r : v)).ToArray() ?? Enumerable.Range(0, r).ToArray();
        var scale = Enumerable.Repeat(1.0, r).ToArray();
        for (int i = 0; i < listed.Length; i++)
            scale[listed[i]] = scales[i];
        var outShape = shape.Select((d, i) => (int)Math.Floor(d * scale[i])).ToArray();
        var resized = shape.Select((d, i) => d * scale[i]).ToArray();
        var reference = new ResizeReference { Mode = mode, Coordinates = coords, Nearest = nearest, A = a, ExcludeOutside = exclude, Antialias = antialias };
        var expected = reference.Run(x.Select(v => (double)v).ToArray(), shape, outShape, scale, resized, new double[r], Enumerable.Repeat(1.0, r).ToArray());
        var attrs = new List<AttributeDef> { Attr("mode", mode), Attr("coordinate_transformation_mode", coords), Attr("nearest_mode", nearest), Attr("cubic_coeff_a", a) };
        if (exclude)
            attrs.Add(Attr("exclude_outside", 1L));
        if (antialias)
            attrs.Add(Attr("antialias", 1L));
        if (axes is not null)
            attrs.Add(AttrInts("axes", axes));
        var y = OpRunner.Single(OpType.Resize, [Tensor.FromArray(x, shape), new OpInput(null), Const(Tensor.FromArray(scales, scales.Length))], [.. attrs]);
        Assert.Equal(outShape, y.Shape.ToArray());
        OpRunner.AssertClose(expected.Select(v => (float)v).ToArray(), y, 2e-5f, $"{mode} {coords} {nearest} scales [{string.Join(",", scales)}] on [{string.Join(",", shape)}]");
    }

    public static TheoryData<string> CoordinateModes() => ["half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric"];

    [Theory]
    [MemberData(nameof(CoordinateModes))]
    public void BilinearOnNchwInEveryCoordinateMode(string coords)
    {
        CheckScales([2, 3, 5, 7], [1, 1, 2, 2], null, "linear", coords);
        CheckScales([1, 2, 9, 8], [1, 1, 0.5f, 0.75f], null, "linear", coords);
        CheckScales([1, 1, 4, 6], [1, 1, 1.7f, 0.6f], null, "linear", coords);
        CheckScales([1, 1, 3, 1], [1, 1, 3, 5], null, "linear", coords);
        CheckScales([2, 1, 5, 4], [2, 3], [2, 3], "linear", coords);
    }

    [Theory]
    [MemberData(nameof(CoordinateModes))]
    public void LinearAlongOneAxisOrThreeAxes(string coords)
    {
        CheckScales([2, 3, 5, 7], [1, 1, 1, 2.5f], null, "linear", coords);
        CheckScales([2, 3, 5, 7], [1, 1, 0.4f, 1], null, "linear", coords);
        CheckScales([2, 3, 5, 7], [1, 2, 0.6f, 1.5f], null, "linear", coords);
        CheckScales([9], [0.5f], null, "linear", coords);
        CheckScales([2, 2, 3, 2, 3], [2, 1.5f], [-1, 1], "linear", coords);
    }

    [Theory]
    [InlineData(-0.75f, false)]
    [InlineData(-0.5f, true)]
    [InlineData(-0.75f, true)]
    public void Cubic(float a, bool exclude)
    {
        foreach (var coords in new[] { "half_pixel", "align_corners", "asymmetric", "pytorch_half_pixel" })
        {
            CheckScales([1, 2, 4, 5], [1, 1, 2, 1.5f], null, "cubic", coords, a: a, exclude: exclude);
            CheckScales([1, 1, 8, 9], [1, 1, 0.5f, 0.7f], null, "cubic", coords, a: a, exclude: exclude);
            CheckScales([3, 6], [2.5f, 1], null, "cubic", coords, a: a, exclude: exclude);
        }
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("cubic")]
    public void AntialiasedDownscaling(string mode)
    {
        CheckScales([1, 2, 12, 10], [1, 1, 0.5f, 0.3f], null, mode, antialias: true);
        CheckScales([1, 1, 7, 9], [1, 1, 0.6f, 1.5f], null, mode, antialias: true);
        CheckScales([1, 1, 16, 5], [1, 1, 0.25f, 0.8f], null, mode, "align_corners", antialias: true);
        CheckScales([20], [0.35f], null, mode, "half_pixel_symmetric", antialias: true, exclude: true);
    }

    [Theory]
    [InlineData("round_prefer_floor")]
    [InlineData("round_prefer_ceil")]
    [InlineData("floor")]
    [InlineData("ceil")]
    public void NearestInEveryRoundingAndCoordinateMode(string rounding)
    {
        foreach (var coords in new[] { "half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric" })
        {
            CheckScales([1, 2, 4, 6], [1, 1, 2, 2], null, "nearest", coords, rounding);
            CheckScales([1, 2, 4, 6], [1, 1, 3, 1.5f], null, "nearest", coords, rounding);
            CheckScales([2, 9, 7], [1, 0.5f, 0.7f], null, "nearest", coords, rounding);
            CheckScales([2, 3, 2, 5], [1.5f, 2], [1, 3], "nearest", coords, rounding);
        }
    }

    [Fact]
    public void NearestMovesEveryElementType()
    {
        foreach (var type in MoveTypes)
            foreach (var (shape, scales) in new[] { (new[] { 1, 2, 3, 4 }, new[] { 1f, 1, 2, 2 }), ([2, 3, 5], [1, 1.7f, 0.6f]), ([5], [3f]) })
            {
                var x = Random(type, shape, 4);
                var outShape = shape.Select((d, i) => (int)Math.Floor(d * scales[i])).ToArray();
                var y = OpRunner.Single(OpType.Resize, [x, new OpInput(null), Const(Tensor.FromArray(scales, scales.Length))], Attr("mode", "nearest"),
                    Attr("coordinate_transformation_mode", "asymmetric"), Attr("nearest_mode", "floor"));
                OpRunner.AssertSame(Map(x, outShape, o => o.Select((j, d) => Math.Min(shape[d] - 1, (int)Math.Floor(j / (double)scales[d]))).ToArray()), y, $"{type}");
            }
    }

    [Fact]
    public void SizesWithKeepAspectRatioPolicies()
    {
        var x = Data([1, 1, 4, 6], 3);
        foreach (var (policy, sizes, outShape, k) in new[]
        {
            ("stretch", new long[] { 3, 9 }, new[] { 1, 1, 3, 9 }, double.NaN),
            ("not_larger", new long[] { 3, 9 }, new[] { 1, 1, 3, 5 }, 0.75),
            ("not_smaller", new long[] { 3, 9 }, new[] { 1, 1, 6, 9 }, 1.5),
        })
        {
            var y = OpRunner.Single(OpType.Resize, [Tensor.FromArray(x, 1, 1, 4, 6), new OpInput(null), new OpInput(null), Const(Ints(sizes))],
                Attr("mode", "linear"), AttrInts("axes", 2, 3), Attr("keep_aspect_ratio_policy", policy));
            Assert.Equal(outShape, y.Shape.ToArray());
            double[] scale = double.IsNaN(k) ? [1, 1, 3 / 4.0, 9 / 6.0] : [1, 1, k, k];
            double[] resized = [1, 1, 4 * scale[2], 6 * scale[3]];
            var expected = new ResizeReference { Mode = "linear" }.Run(x.Select(v => (double)v).ToArray(), [1, 1, 4, 6], outShape, scale, resized, new double[4], [1, 1, 1, 1]);
            OpRunner.AssertClose(expected.Select(v => (float)v).ToArray(), y, 2e-5f, policy);
        }
    }

    [Fact]
    public void TfCropAndResizeReadsRoiWhenTheNodeRuns()
    {
        var x = Data([1, 2, 5, 6], 8);
        foreach (var mode in new[] { "linear", "nearest", "cubic" })
            foreach (var roi in new[] { new[] { 0.2f, 0.1f, 0.8f, 0.7f }, [-0.3f, 0.4f, 1.2f, 0.9f] })
            {
                long[] sizes = [4, 3];
                // roi as a graph input: it is only needed when the node executes.
                var ys = OpRunner.RunBoth(OpType.Resize, [Tensor.FromArray(x, 1, 2, 5, 6), Tensor.FromArray(roi, 4), new OpInput(null), Const(Ints(sizes))], 1,
                    Attr("mode", mode), AttrInts("axes", 3, 2), Attr("coordinate_transformation_mode", "tf_crop_and_resize"), Attr("extrapolation_value", -9f));
                var reference = new ResizeReference { Mode = mode, Coordinates = "tf_crop_and_resize", Extrapolation = -9 };
                int[] outShape = [1, 2, 3, 4];
                double[] scale = [1, 1, 3 / 5.0, 4 / 6.0];
                var expected = reference.Run(x.Select(v => (double)v).ToArray(), [1, 2, 5, 6], outShape, scale, [1, 2, 3, 4],
                    [0, 0, roi[1], roi[0]], [1, 1, roi[3], roi[2]]);
                OpRunner.AssertClose(expected.Select(v => (float)v).ToArray(), ys[0], 2e-5f, $"{mode} roi [{string.Join(",", roi)}]");
            }
    }

    [Fact]
    public void EmptyAndUnchangedInputs()
    {
        var e = OpRunner.Single(OpType.Resize, [Tensor.FromArray(Array.Empty<float>(), 0, 3, 4, 4), new OpInput(null), Const(Tensor.FromArray(new[] { 1f, 1, 2, 2 }, 4))], Attr("mode", "linear"));
        Assert.Equal([0, 3, 8, 8], e.Shape.ToArray());
        var x = Data([2, 3, 4], 2);
        var same = OpRunner.Single(OpType.Resize, [Tensor.FromArray(x, 2, 3, 4), new OpInput(null), Const(Tensor.FromArray(new[] { 1f, 1, 1 }, 3))], Attr("mode", "cubic"));
        Assert.Equal(x, same.ToArray<float>());
        var z = OpRunner.Single(OpType.Resize, [Tensor.FromArray(x, 2, 3, 4), new OpInput(null), new OpInput(null), Const(Ints(2, 0, 4))], Attr("mode", "linear"));
        Assert.Equal([2, 0, 4], z.Shape.ToArray());
    }

    [Fact]
    public void RejectsWhatItDoesNotImplement()
    {
        Assert.Throws<MoteNotSupportedException>(() => OpRunner.Run(OpType.Resize, [Random(DataType.UInt8, [1, 1, 2, 2], 1), new OpInput(null), Const(Tensor.FromArray(new[] { 1f, 1, 2, 2 }, 4))], 1, false, Attr("mode", "linear")));
        // Scales known only at run time: shaped while running.
        Assert.Equal([4, 4], OpRunner.Run(OpType.Resize, [Tensor.FromArray(Data([2, 2], 1), 2, 2), new OpInput(null), Tensor.FromArray(new[] { 2f, 2 }, 2)], 1, false)[0].Shape.ToArray());
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Resize, [Tensor.FromArray(Data([2, 2], 1), 2, 2), new OpInput(null), Const(Tensor.FromArray(new[] { 2f, 2 }, 2)), Const(Ints(4, 4))], 1, false));
    }
}
