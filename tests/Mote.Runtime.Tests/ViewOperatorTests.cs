using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

public class ViewOperatorTests
{
    private static void SameData(Tensor x, Tensor y, int[] shape)
    {
        Assert.Equal(shape, y.Shape.ToArray());
        Assert.Equal(x.Type, y.Type);
        Assert.Equal(x.Memory.ToArray(), y.Memory.ToArray());
    }

    [Fact]
    public void SqueezeWithAndWithoutAxes()
    {
        var x = Random(DataType.Int64, [1, 3, 1, 2, 1], 1);
        SameData(x, OpRunner.Single(OpType.Squeeze, [x]), [3, 2]);
        SameData(x, OpRunner.Single(OpType.Squeeze, [x, Const(Ints(-1, 0))]), [3, 1, 2]);
        var s = OpRunner.Single(OpType.Squeeze, [Random(DataType.Bool, [1, 1], 2)]);
        Assert.Empty(s.Shape.ToArray());
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Squeeze, [x, Const(Ints(1))], 1, false));
    }

    [Fact]
    public void UnsqueezeCountsAxesInTheOutputRank()
    {
        var x = Random(DataType.UInt8, [3, 4], 3);
        SameData(x, OpRunner.Single(OpType.Unsqueeze, [x, Const(Ints(0, -1))]), [1, 3, 4, 1]);
        SameData(x, OpRunner.Single(OpType.Unsqueeze, [x, Const(Ints(1, 3))]), [3, 1, 4, 1]);
        var scalar = Tensor.FromArray(new[] { 2.5f });
        SameData(scalar, OpRunner.Single(OpType.Unsqueeze, [scalar, Const(Ints(0))]), [1]);
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Unsqueeze, [x, Const(Ints(1, 1))], 1, false));
    }

    [Fact]
    public void FlattenAtEveryAxis()
    {
        var x = Random(DataType.Float32, [2, 3, 4], 5);
        SameData(x, OpRunner.Single(OpType.Flatten, [x]), [2, 12]);
        SameData(x, OpRunner.Single(OpType.Flatten, [x], Attr("axis", 0L)), [1, 24]);
        SameData(x, OpRunner.Single(OpType.Flatten, [x], Attr("axis", 3L)), [24, 1]);
        SameData(x, OpRunner.Single(OpType.Flatten, [x], Attr("axis", -1L)), [6, 4]);
        SameData(Random(DataType.Float32, [2, 0, 3], 1), OpRunner.Single(OpType.Flatten, [Random(DataType.Float32, [2, 0, 3], 1)], Attr("axis", 2L)), [0, 3]);
    }

    [Fact]
    public void SizeCountsElements()
    {
        foreach (var shape in new[] { new int[0], [5], [2, 0, 3], [2, 3, 4] })
        {
            var y = OpRunner.Single(OpType.Size, [Random(DataType.Bool, shape, 1)]);
            Assert.Empty(y.Shape.ToArray());
            Assert.Equal([Count(shape)], y.ToArray<long>());
        }
    }

    [Fact]
    public void ViewsChainedBetweenComputingNodesAtRunTime()
    {
        // x[2,3] -> Unsqueeze(0) -> Transpose(2,0,1) -> Squeeze -> Flatten(0) -> Concat with itself.
        var b = new ModelBuilder()
            .Input("x", DataType.Float32, 2, 3)
            .Constant("ax", new long[] { 0 }, 1)
            .Node(OpType.Unsqueeze, ["x", "ax"], ["u"])
            .Node(OpType.Transpose, ["u"], ["t"], AttrInts("perm", 2, 0, 1))
            .Node(OpType.Squeeze, ["t"], ["s"])
            .Node(OpType.Flatten, ["s"], ["f"], Attr("axis", 0L))
            .Node(OpType.Concat, ["f", "f"], ["y"], Attr("axis", 0L))
            .Output("y");
        using var session = b.Session();
        var x = new float[] { 1, 2, 3, 4, 5, 6 };
        var y = session.Run(new NamedTensor("x", Tensor.FromArray(x, 2, 3)))["y"];
        Assert.Equal([2, 6], y.Shape.ToArray());
        Assert.Equal([1f, 4, 2, 5, 3, 6, 1, 4, 2, 5, 3, 6], y.ToArray<float>());
    }

    [Fact]
    public void ReshapeAndIdentityKeepBytes()
    {
        var x = Random(DataType.Int16, [2, 3, 2], 4);
        SameData(x, OpRunner.Single(OpType.Reshape, [x, Const(Ints(0, -1))]), [2, 6]);
        SameData(x, OpRunner.Single(OpType.Reshape, [x, Const(Ints(-1))]), [12]);
        SameData(x, OpRunner.Single(OpType.Identity, [x]), [2, 3, 2]);
        var e = Random(DataType.Int16, [0, 3], 4);
        SameData(e, OpRunner.Single(OpType.Reshape, [e, Const(Ints(3, 0))], Attr("allowzero", 1L)), [3, 0]);
    }
}
