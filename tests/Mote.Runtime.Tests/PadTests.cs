using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

public class PadTests
{
    /// <summary>
    /// The spec applied one output index at a time: crop by negative pads first, then map the
    /// padded coordinate back into the cropped data (constant: outside → fill).
    /// </summary>
    private static Tensor Reference(Tensor x, long[] begin, long[] end, string mode, byte[] fill)
    {
        var xs = x.Shape.ToArray();
        int r = xs.Length;
        var crop = Enumerable.Range(0, r).Select(d => (int)Math.Max(0, -begin[d])).ToArray();
        var kept = Enumerable.Range(0, r).Select(d => xs[d] - crop[d] - (int)Math.Max(0, -end[d])).ToArray();
        var pb = begin.Select(v => (int)Math.Max(0, v)).ToArray();
        var outShape = Enumerable.Range(0, r).Select(d => kept[d] + pb[d] + (int)Math.Max(0, end[d])).ToArray();
        return Map(x, outShape, o =>
        {
            var s = new int[r];
            for (int d = 0; d < r; d++)
            {
                int i = o[d] - pb[d], n = kept[d];
                if (i < 0 || i >= n)
                {
                    if (mode == "constant")
                        return null;
                    if (mode == "edge")
                        i = Math.Clamp(i, 0, n - 1);
                    else if (mode == "wrap")
                        i = ((i % n) + n) % n;
                    else
                        // Reflect repeatedly until inside.
                        while (i < 0 || i >= n)
                            i = n == 1 ? 0 : i < 0 ? -i : 2 * (n - 1) - i;
                }
                s[d] = i + crop[d];
            }
            return s;
        }, fill);
    }

    private static void Check(Tensor x, long[] pads, string mode, Tensor? value = null, long[]? axes = null)
    {
        int r = x.Rank;
        var begin = new long[r];
        var end = new long[r];
        int n = axes?.Length ?? r;
        for (int i = 0; i < n; i++)
        {
            int a = axes is null ? i : (int)(axes[i] < 0 ? axes[i] + r : axes[i]);
            begin[a] = pads[i];
            end[a] = pads[n + i];
        }
        var fill = value?.Memory.ToArray() ?? new byte[x.Type.Size()];
        OpInput[] inputs = [x, Const(Ints(pads)), value is null ? new OpInput(null) : new OpInput(value), axes is null ? new OpInput(null) : Const(Ints(axes))];
        var y = OpRunner.Single(OpType.Pad, inputs, Attr("mode", mode));
        OpRunner.AssertSame(Reference(x, begin, end, mode, fill), y, $"{mode} pads [{string.Join(",", pads)}] on {x}");
    }

    public static TheoryData<string, DataType> Modes()
    {
        var d = new TheoryData<string, DataType>();
        foreach (var m in new[] { "constant", "reflect", "edge", "wrap" })
            foreach (var t in MoveTypes)
                d.Add(m, t);
        return d;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void PadsAndCropsInEveryMode(string mode, DataType type)
    {
        var x = Random(type, [3, 4, 5], 6);
        Check(x, [1, 2, 0, 2, 1, 3], mode);
        Check(x, [0, -1, 2, -1, 1, -2], mode);
        Check(x, [0, 0, 0, 0, 0, 0], mode);
        Check(Random(type, [5], 2), [3, 4], mode);
        Check(Random(type, [2, 1, 3], 2), [1, 1, 0, 0, 2, 2], mode);
        Check(Random(type, [2, 2, 1, 2, 3, 2], 3), [0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 2, 0], mode);
    }

    [Fact]
    public void ConstantValueAxesAndEmptyInputs()
    {
        var x = Random(DataType.Float32, [2, 3], 1);
        Check(x, [1, 2, 0, 1], "constant", Tensor.FromArray(new[] { -7.5f }));
        Check(x, [2, 1], "constant", Tensor.FromArray(new[] { 9f }), [-1]);
        Check(x, [2, 1], "reflect", null, [1]);
        Check(Random(DataType.Int64, [3, 4], 1), [1, -1], "edge", null, [0]);
        Check(Random(DataType.Float32, [0, 3], 1), [1, 0, 1, 1], "constant", Tensor.FromArray(new[] { 2f }));
        Check(Random(DataType.Float32, [3, 4], 1), [-3, 0, 0, 1], "constant");
        Check(Random(DataType.Bool, [2, 3], 1), [1, 1, 1, 1], "constant", Tensor.FromBytes(DataType.Bool, new byte[] { 1 }));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Pad, [Random(DataType.Float32, [0, 3], 1), Const(Ints(1, 0, 0, 0))], 1, false, Attr("mode", "edge")));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Pad, [x, Const(Ints(-3, 0, 0, 0))], 1, false));
    }

    [Fact]
    public void LargeReflectPadsRepeatTheMirror()
    {
        Check(Random(DataType.Float32, [3], 1), [7, 5], "reflect");
        Check(Random(DataType.Float32, [3], 1), [7, 5], "wrap");
        Check(Random(DataType.Float32, [1, 2], 1), [2, 2, 3, 3], "reflect");
    }
}
