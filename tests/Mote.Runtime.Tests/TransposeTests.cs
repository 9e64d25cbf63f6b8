using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

public class TransposeTests
{
    /// <summary>y[i0..] = x viewed as <paramref name="shape"/> at index j with j[perm[k]] = i[k].</summary>
    private static Tensor Reference(Tensor x, int[] shape, int[] perm)
    {
        var view = Tensor.FromBytes(x.Type, x.Memory.ToArray(), shape);
        var outShape = perm.Select(p => shape[p]).ToArray();
        return Map(view, outShape, i =>
        {
            var j = new int[i.Length];
            for (int k = 0; k < i.Length; k++)
                j[perm[k]] = i[k];
            return j;
        });
    }

    private static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 0)
        {
            yield return [];
            yield break;
        }
        foreach (var p in Permutations(n - 1))
            for (int at = 0; at <= p.Length; at++)
                yield return [.. p[..at], n - 1, .. p[at..]];
    }

    public static TheoryData<DataType> Types() => [.. MoveTypes];

    [Theory]
    [MemberData(nameof(Types))]
    public void EveryPermutationOfRank4(DataType type)
    {
        int[] shape = [2, 5, 1, 6];
        var x = Random(type, shape, 3);
        foreach (var perm in Permutations(4))
        {
            var y = OpRunner.Single(OpType.Transpose, [x], AttrInts("perm", perm.Select(p => (long)p).ToArray()));
            OpRunner.AssertSame(Reference(x, shape, perm), y, $"perm [{string.Join(",", perm)}]");
        }
    }

    [Fact]
    public void DefaultReversesAndAwkwardRanks()
    {
        var x = Random(DataType.Int64, [2, 3, 4], 1);
        OpRunner.AssertSame(Reference(x, [2, 3, 4], [2, 1, 0]), OpRunner.Single(OpType.Transpose, [x]));
        var s = Tensor.FromArray(new[] { 1.5f });
        OpRunner.AssertSame(s, OpRunner.Single(OpType.Transpose, [s]));
        var v = Random(DataType.UInt8, [7], 2);
        OpRunner.AssertSame(v, OpRunner.Single(OpType.Transpose, [v]));
        var e = Random(DataType.Float32, [3, 0, 2], 2);
        Assert.Equal([2, 3, 0], OpRunner.Single(OpType.Transpose, [e], AttrInts("perm", 2, 0, 1)).Shape.ToArray());
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Transpose, [x], 1, false, AttrInts("perm", 0, 0, 1)));
    }

    [Theory]
    [InlineData(new[] { 1, 37, 53 }, new[] { 0, 2, 1 })]
    [InlineData(new[] { 2, 16, 9, 11 }, new[] { 0, 2, 3, 1 })]
    [InlineData(new[] { 2, 9, 11, 16 }, new[] { 0, 3, 1, 2 })]
    [InlineData(new[] { 3, 4, 5, 6, 7 }, new[] { 4, 2, 0, 3, 1 })]
    [InlineData(new[] { 2, 3, 1, 4, 2, 5 }, new[] { 5, 3, 1, 0, 4, 2 })]
    [InlineData(new[] { 64, 17 }, new[] { 1, 0 })]
    public void LargerPlanesTakeTheBlockedPath(int[] shape, int[] perm)
    {
        foreach (var type in new[] { DataType.Float32, DataType.UInt8, DataType.Int64, DataType.Int16 })
        {
            var x = Random(type, shape, 9);
            var y = OpRunner.Single(OpType.Transpose, [x], AttrInts("perm", perm.Select(p => (long)p).ToArray()));
            OpRunner.AssertSame(Reference(x, shape, perm), y, $"{type} perm [{string.Join(",", perm)}]");
        }
    }

    [Theory]
    [InlineData("DCR", 2)]
    [InlineData("CRD", 2)]
    [InlineData("DCR", 3)]
    [InlineData("CRD", 1)]
    public void DepthToSpaceMatchesReshapeTransposeReshape(string mode, int b)
    {
        foreach (var type in new[] { DataType.Float32, DataType.Bool })
        {
            int n = 2, c = 2 * b * b, h = 3, w = 4;
            var x = Random(type, [n, c, h, w], b);
            var t = mode == "DCR"
                ? Reference(x, [n, b, b, c / (b * b), h, w], [0, 3, 4, 1, 5, 2])
                : Reference(x, [n, c / (b * b), b, b, h, w], [0, 1, 4, 2, 5, 3]);
            var expected = Tensor.FromBytes(type, t.Memory, n, c / (b * b), h * b, w * b);
            var y = OpRunner.Single(OpType.DepthToSpace, [x], Attr("blocksize", (long)b), Attr("mode", mode));
            OpRunner.AssertSame(expected, y, mode);
        }
    }

    [Fact]
    public void SpaceToDepthMatchesReshapeTransposeReshape()
    {
        foreach (int b in new[] { 1, 2, 3 })
        {
            int n = 2, c = 3, h = 2 * b, w = 3 * b;
            var x = Random(DataType.Int64, [n, c, h, w], b);
            var t = Reference(x, [n, c, h / b, b, w / b, b], [0, 3, 5, 1, 2, 4]);
            var y = OpRunner.Single(OpType.SpaceToDepth, [x], Attr("blocksize", (long)b));
            OpRunner.AssertSame(Tensor.FromBytes(DataType.Int64, t.Memory, n, c * b * b, h / b, w / b), y, $"b {b}");
        }
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.SpaceToDepth, [Random(DataType.Float32, [1, 1, 3, 4], 1)], 1, false, Attr("blocksize", 2L)));
    }
}
