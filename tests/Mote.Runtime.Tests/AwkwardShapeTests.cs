using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

/// <summary>Empty tensors, rank 0/1 and rank 6 through the operators not covered elsewhere.</summary>
public class AwkwardShapeTests
{
    [Fact]
    public void EmptyTensorsFlowThrough()
    {
        var e = Random(DataType.Float32, [0, 3], 1);
        Assert.Equal([0, 2], OpRunner.Single(OpType.Gather, [e, Ints(0, -1)], Attr("axis", 1L)).Shape.ToArray());
        Assert.Equal([2, 0], OpRunner.Single(OpType.Gather, [Random(DataType.Float32, [2, 5], 1), Tensor.FromArray(Array.Empty<long>(), 0)], Attr("axis", 1L)).Shape.ToArray());
        Assert.Equal([0, 3], OpRunner.Single(OpType.GatherElements, [e, Tensor.FromArray(Array.Empty<long>(), 0, 3)]).Shape.ToArray());
        Assert.Equal([0, 3], OpRunner.Single(OpType.ScatterElements, [e, Tensor.FromArray(Array.Empty<long>(), 0, 3), Tensor.FromArray(Array.Empty<float>(), 0, 3)]).Shape.ToArray());
        var x = Random(DataType.Int64, [2, 3], 1);
        OpRunner.AssertSame(x, OpRunner.Single(OpType.ScatterND, [x, Tensor.FromArray(Array.Empty<long>(), 0, 1), Tensor.FromArray(Array.Empty<long>(), 0, 3)]));
        Assert.Equal([0, 3], OpRunner.Single(OpType.GatherND, [x, Tensor.FromArray(Array.Empty<long>(), 0, 1)]).Shape.ToArray());
        var ys = OpRunner.RunBoth(OpType.Split, [Random(DataType.Bool, [0, 4], 1), Const(Tensor.FromArray(Array.Empty<long>(), 0))], 2, Attr("axis", 1L));
        Assert.Equal([0, 2], ys[1].Shape.ToArray());
        var k = OpRunner.RunBoth(OpType.TopK, [Random(DataType.Float32, [0, 5], 1), Const(Ints(2))], 2);
        Assert.Equal([0, 2], k[1].Shape.ToArray());
        Assert.Equal([3, 0], OpRunner.Single(OpType.Trilu, [Random(DataType.UInt8, [3, 0], 1)]).Shape.ToArray());
        Assert.Equal([0, 4], OpRunner.Single(OpType.OneHot, [Tensor.FromArray(Array.Empty<long>(), 0), Const(Tensor.Scalar(4L)), Tensor.FromArray(new[] { 0f, 1 }, 2)]).Shape.ToArray());
        Assert.Equal([0, 1, 2, 2], OpRunner.Single(OpType.DepthToSpace, [Random(DataType.Float32, [0, 4, 1, 1], 1)], Attr("blocksize", 2L)).Shape.ToArray());
    }

    [Fact]
    public void RankSixGatherAndConcat()
    {
        int[] shape = [2, 1, 3, 2, 1, 4];
        foreach (var type in new[] { DataType.Float32, DataType.Int64, DataType.Bool, DataType.UInt8 })
        {
            var x = Random(type, shape, 7);
            var y = OpRunner.Single(OpType.Gather, [x, Ints(-1, 0, 2, 1)], Attr("axis", -4L));
            OpRunner.AssertSame(Map(x, [2, 1, 4, 2, 1, 4], o =>
            {
                long[] idx = [-1, 0, 2, 1];
                var s = (int[])o.Clone();
                s[2] = (int)(idx[o[2]] < 0 ? idx[o[2]] + 3 : idx[o[2]]);
                return s;
            }), y, $"{type}");
            var c = OpRunner.Single(OpType.Concat, [x, x], Attr("axis", 4L));
            OpRunner.AssertSame(Map(x, [2, 1, 3, 2, 2, 4], o =>
            {
                var s = (int[])o.Clone();
                s[4] = 0;
                return s;
            }), c, $"{type}");
        }
    }

    [Fact]
    public void ScalarsAndVectors()
    {
        var s = Tensor.Scalar(3.5f);
        OpRunner.AssertSame(Tensor.FromArray(new[] { 3.5f, 3.5f, 3.5f }, 3), OpRunner.Single(OpType.Expand, [s, Const(Ints(3))]));
        OpRunner.AssertSame(s, OpRunner.Single(OpType.Tile, [s, Const(Tensor.FromArray(Array.Empty<long>(), 0))]));
        OpRunner.AssertSame(s, OpRunner.Single(OpType.Pad, [s, Const(Tensor.FromArray(Array.Empty<long>(), 0))]));
        var v = Random(DataType.Int16, [5], 3);
        var r = OpRunner.Single(OpType.Slice, [v, Const(Ints(-1)), Const(Ints(long.MinValue)), Const(Ints(0)), Const(Ints(-1))]);
        OpRunner.AssertSame(Map(v, [5], o => [4 - o[0]]), r);
        var u = OpRunner.RunBoth(OpType.Resize, [Tensor.FromArray(new[] { 1f, 3 }, 2), new OpInput(null), Const(Tensor.FromArray(Array.Empty<float>(), 0)), Const(Ints(4))], 1, Attr("mode", "linear"));
        // half_pixel: x = (j + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped at the edges.
        Assert.Equal([1f, 1.5f, 2.5f, 3f], u[0].ToArray<float>());
    }
}
