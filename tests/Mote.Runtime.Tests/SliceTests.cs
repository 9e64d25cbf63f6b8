using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

public class SliceTests
{
    /// <summary>The indices one axis keeps, enumerated as the ONNX spec describes.</summary>
    private static List<int> Selected(int dim, long start, long end, long step)
    {
        if (start < 0)
            start += dim;
        if (end < 0)
            end += dim;
        var r = new List<int>();
        if (step > 0)
        {
            start = Math.Clamp(start, 0, dim);
            end = Math.Clamp(end, 0, dim);
            for (long i = start; i < end; i += step)
                r.Add((int)i);
        }
        else
        {
            start = Math.Clamp(start, 0, Math.Max(dim - 1, 0));
            end = Math.Clamp(end, -1, dim - 1);
            for (long i = start; i > end && dim > 0; i += step)
            {
                r.Add((int)i);
                if (i + step > i)
                    break;
            }
        }
        return r;
    }

    private static Tensor Reference(Tensor x, long[] starts, long[] ends, long[]? axes, long[]? steps)
    {
        var shape = x.Shape.ToArray();
        var sel = shape.Select(d => Enumerable.Range(0, d).ToList()).ToArray();
        for (int i = 0; i < starts.Length; i++)
        {
            int a = (int)(axes is null ? i : axes[i] < 0 ? axes[i] + shape.Length : axes[i]);
            sel[a] = Selected(shape[a], starts[i], ends[i], steps?[i] ?? 1);
        }
        return Map(x, sel.Select(s => s.Count).ToArray(), idx => idx.Select((j, d) => sel[d][j]).ToArray());
    }

    private static void Check(Tensor x, long[] starts, long[] ends, long[]? axes = null, long[]? steps = null)
    {
        OpInput[] inputs = [x, Const(Ints(starts)), Const(Ints(ends)), axes is null ? new OpInput(null) : Const(Ints(axes)), steps is null ? new OpInput(null) : Const(Ints(steps))];
        if (steps is null && axes is null)
            inputs = inputs[..3];
        var y = OpRunner.Single(OpType.Slice, inputs);
        OpRunner.AssertSame(Reference(x, starts, ends, axes, steps), y, $"{x} starts [{string.Join(",", starts)}] ends [{string.Join(",", ends)}] steps [{string.Join(",", steps ?? [])}]");
    }

    public static TheoryData<DataType> Types() => [.. MoveTypes];

    [Theory]
    [MemberData(nameof(Types))]
    public void SlicesWindowsOfEveryElementType(DataType type)
    {
        var x = Random(type, [5, 6, 7], 7);
        Check(x, [1, 0], [4, 6], [0, 1], [1, 2]);
        Check(x, [-1, -2, 5], [long.MinValue, 0, 1], [0, 1, 2], [-1, -1, -2]);
        Check(x, [0], [long.MaxValue]);
        Check(x, [2], [3], [-1]);
    }

    [Fact]
    public void ClampsOutOfRangeBoundsLikeTheSpec()
    {
        var x = Random(DataType.Float32, [10], 1);
        Check(x, [1000], [2000]);
        Check(x, [-1000], [1000]);
        Check(x, [1000], [-1000], null, [-1]);
        Check(x, [-1000], [1000], null, [-1]);
        Check(x, [3], [3]);
        Check(x, [9], [long.MinValue], null, [-3]);
        Check(x, [0], [long.MaxValue], null, [long.MaxValue]);
        Check(x, [long.MaxValue], [long.MinValue], null, [long.MinValue]);
        Check(x, [5], [long.MaxValue], null, [4]);
    }

    [Fact]
    public void AwkwardShapes()
    {
        Check(Random(DataType.Int64, [1, 4, 1], 2), [-3, 1], [100, 3], [-3, 1]);
        Check(Random(DataType.Int64, [3, 0, 2], 2), [0, 1], [2, 2], [0, 2]);
        Check(Random(DataType.Int64, [3, 0, 2], 2), [-1], [long.MinValue], [1], [-1]);
        Check(Random(DataType.UInt8, [2, 3, 1, 2, 3, 4], 3), [1, 2, -1, 0], [0, 0, 0, 4], [1, 4, 0, -1], [-1, -1, -2, 3]);
    }

    [Fact]
    public void Int32StartsAndEnds()
    {
        var x = Random(DataType.Float32, [4, 5], 9);
        var y = OpRunner.Single(OpType.Slice, [x, Const(Tensor.FromArray(new[] { 1, -1 }, 2)), Const(Tensor.FromArray(new[] { 3, int.MinValue }, 2)),
            Const(Tensor.FromArray(new[] { 0, 1 }, 2)), Const(Tensor.FromArray(new[] { 1, -2 }, 2))]);
        OpRunner.AssertSame(Reference(x, [1, -1], [3, int.MinValue], [0, 1], [1, -2]), y);
    }

    [Fact]
    public void StartsOnlyKnownAtRunTimeRunDynamically()
    {
        var x = Tensor.FromArray(new float[] { 10, 11, 12, 13 }, 4);
        var y = OpRunner.Run(OpType.Slice, [x, Ints(1), Const(Ints(3))], 1, false)[0];
        Assert.Equal(new float[] { 11, 12 }, y.ToArray<float>());
    }

    [Fact]
    public void RejectsZeroStepAndRepeatedAxes()
    {
        var x = Random(DataType.Float32, [4, 4], 1);
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Slice, [x, Const(Ints(0)), Const(Ints(2)), Const(Ints(0)), Const(Ints(0))], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Slice, [x, Const(Ints(0, 0)), Const(Ints(2, 2)), Const(Ints(0, -2))], 1, false));
    }
}
