using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

public class ExpandTileTests
{
    public static TheoryData<DataType> Types() => [.. MoveTypes];

    private static Tensor ExpandReference(Tensor x, int[] outShape)
    {
        var xs = x.Shape.ToArray();
        int lead = outShape.Length - xs.Length;
        return Map(x, outShape, o => xs.Select((d, i) => d == 1 ? 0 : o[i + lead]).ToArray());
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void ExpandBroadcastsBothWays(DataType type)
    {
        (int[] X, long[] Spec, int[] Out)[] cases =
        [
            ([3, 1], [2, 1, 6], [2, 3, 6]),
            ([1, 4], [3, 1], [3, 4]),
            ([1], [2, 3, 1, 5], [2, 3, 1, 5]),
            ([2, 1, 3], [1], [2, 1, 3]),
            ([], [2, 2], [2, 2]),
            ([1, 5], [0, 5], [0, 5]),
            ([4, 1, 1, 1, 3, 1], [4, 2, 1, 3, 3, 2], [4, 2, 1, 3, 3, 2]),
        ];
        foreach (var (xs, spec, outShape) in cases)
        {
            var x = Random(type, xs, xs.Length);
            var y = OpRunner.Single(OpType.Expand, [x, Const(Ints(spec))]);
            OpRunner.AssertSame(ExpandReference(x, outShape), y, $"{ShapeText(xs)} to [{string.Join(",", spec)}]");
        }
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Expand, [Random(type, [3], 1), Const(Ints(2))], 1, false));
    }

    private static string ShapeText(int[] s) => "[" + string.Join(",", s) + "]";

    [Theory]
    [MemberData(nameof(Types))]
    public void TileRepeatsEachDimension(DataType type)
    {
        (int[] X, long[] Reps)[] cases = [([2, 3], [2, 3]), ([3], [1]), ([1, 2, 1], [3, 1, 4]), ([2, 3], [0, 2]), ([4, 5], [1, 1]), ([2, 1, 3, 1, 2, 1], [1, 2, 1, 2, 1, 3])];
        foreach (var (xs, reps) in cases)
        {
            var x = Random(type, xs, 4);
            var outShape = xs.Select((d, i) => d * (int)reps[i]).ToArray();
            var y = OpRunner.Single(OpType.Tile, [x, Const(Ints(reps))]);
            OpRunner.AssertSame(Map(x, outShape, o => o.Select((v, i) => v % xs[i]).ToArray()), y, ShapeText(xs));
        }
    }
}
