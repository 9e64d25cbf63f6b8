using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

public class ScatterTests
{
    private static double Combine(double old, double upd, string reduction) => reduction switch
    {
        "add" => old + upd,
        "mul" => old * upd,
        "max" => Math.Max(old, upd),
        "min" => Math.Min(old, upd),
        _ => upd,
    };

    public static TheoryData<string, DataType> Reductions()
    {
        var d = new TheoryData<string, DataType>();
        foreach (var r in new[] { "none", "add", "mul", "max", "min" })
            foreach (var t in new[] { DataType.Float32, DataType.Int64, DataType.Int32 })
                d.Add(r, t);
        d.Add("none", DataType.Bool);
        d.Add("none", DataType.UInt8);
        d.Add("none", DataType.Int16);
        return d;
    }

    private static double[] AsDoubles(Tensor t) => t.Type switch
    {
        DataType.Float32 => t.ToArray<float>().Select(v => (double)v).ToArray(),
        DataType.Int64 => t.ToArray<long>().Select(v => (double)v).ToArray(),
        DataType.Int32 => t.ToArray<int>().Select(v => (double)v).ToArray(),
        DataType.Int16 => t.ToArray<short>().Select(v => (double)v).ToArray(),
        _ => t.Memory.ToArray().Select(v => (double)v).ToArray(),
    };

    private static Tensor FromDoubles(DataType type, double[] v, int[] shape) => type switch
    {
        DataType.Float32 => Tensor.FromArray(v.Select(x => (float)x).ToArray(), shape),
        DataType.Int64 => Tensor.FromArray(v.Select(x => (long)x).ToArray(), shape),
        DataType.Int32 => Tensor.FromArray(v.Select(x => (int)x).ToArray(), shape),
        DataType.Int16 => Tensor.FromArray(v.Select(x => (short)x).ToArray(), shape),
        _ => Tensor.FromBytes(type, v.Select(x => (byte)x).ToArray(), shape),
    };

    /// <summary>Small values so that products stay exact.</summary>
    private static Tensor Small(DataType type, int[] shape, int seed)
    {
        var rng = new Random(seed);
        var v = Enumerable.Range(0, (int)Count(shape)).Select(_ => (double)rng.Next(type == DataType.Bool ? 0 : -3, type == DataType.Bool ? 2 : 4)).ToArray();
        return FromDoubles(type, v, shape);
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void ScatterElementsAppliesUpdatesInOrder(string reduction, DataType type)
    {
        int[] shape = [3, 4, 2];
        var x = Small(type, shape, 1);
        var rng = new Random(7);
        for (int axis = -3; axis < 3; axis++)
        {
            int a = axis < 0 ? axis + 3 : axis;
            int[] ishape = [2, 3, 2];
            ishape[a] = 4;
            var idx = Enumerable.Range(0, (int)Count(ishape)).Select(_ => (long)rng.Next(-shape[a], shape[a])).ToArray();
            var upd = Small(type, ishape, axis + 10);
            var expected = AsDoubles(x);
            var u = AsDoubles(upd);
            foreach (var p in All(ishape))
            {
                var t = (int[])p.Clone();
                long v = idx[Offset(p, ishape)];
                t[a] = (int)(v < 0 ? v + shape[a] : v);
                int o = Offset(t, shape);
                expected[o] = Combine(expected[o], u[Offset(p, ishape)], reduction);
            }
            var y = OpRunner.Single(OpType.ScatterElements, [x, Tensor.FromArray(idx, ishape), upd], Attr("axis", (long)axis), Attr("reduction", reduction));
            OpRunner.AssertSame(FromDoubles(type, expected, shape), y, $"axis {axis}");
        }
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void ScatterNDWritesSlices(string reduction, DataType type)
    {
        int[] shape = [4, 3, 2];
        var x = Small(type, shape, 3);
        foreach (int k in new[] { 1, 2, 3 })
        {
            int[] ishape = [2, 3, k];
            var rng = new Random(k);
            var idx = new long[Count(ishape)];
            for (int i = 0; i < idx.Length; i++)
                idx[i] = rng.Next(-shape[i % k], shape[i % k]);
            int[] ushape = [2, 3, .. shape[k..]];
            var upd = Small(type, ushape, 20 + k);
            var expected = AsDoubles(x);
            var u = AsDoubles(upd);
            int slice = (int)Count(shape[k..]);
            for (int t = 0; t < 6; t++)
            {
                var target = new int[3];
                for (int j = 0; j < k; j++)
                {
                    long v = idx[t * k + j];
                    target[j] = (int)(v < 0 ? v + shape[j] : v);
                }
                int o = Offset(target, shape);
                for (int e = 0; e < slice; e++)
                    expected[o + e] = Combine(expected[o + e], u[t * slice + e], reduction);
            }
            var y = OpRunner.Single(OpType.ScatterND, [x, Tensor.FromArray(idx, ishape), upd], Attr("reduction", reduction));
            OpRunner.AssertSame(FromDoubles(type, expected, shape), y, $"k {k}");
        }
    }

    [Fact]
    public void ScatterRejectsBadShapesAndIndices()
    {
        var x = Small(DataType.Float32, [3, 3], 1);
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.ScatterElements, [x, Tensor.FromArray(new long[] { 3 }, 1, 1), Small(DataType.Float32, [1, 1], 2)], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.ScatterND, [x, Tensor.FromArray(new long[] { 0 }, 1, 1), Small(DataType.Float32, [1, 2], 2)], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.ScatterND, [Small(DataType.Bool, [2], 1), Tensor.FromArray(new long[] { 0 }, 1, 1), Small(DataType.Bool, [1], 2)], 1, false, Attr("reduction", "add")));
    }
}
