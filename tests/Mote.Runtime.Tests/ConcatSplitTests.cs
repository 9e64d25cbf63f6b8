using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

public class ConcatSplitTests
{
    public static TheoryData<DataType> Types() => [.. MoveTypes];

    [Theory]
    [MemberData(nameof(Types))]
    public void ConcatJoinsAlongEveryAxisIncludingEmptyInputs(DataType type)
    {
        int[][] shapes = [[2, 3, 4], [2, 0, 4], [2, 5, 4]];
        for (int axis = -3; axis < 3; axis++)
        {
            int a = axis < 0 ? axis + 3 : axis;
            var inputs = shapes.Select((s, i) =>
            {
                var sh = new[] { 2, 3, 4 };
                sh[a] = s[1];
                return Random(type, sh, 10 * i + a);
            }).ToArray();
            var outShape = new[] { 2, 3, 4 };
            outShape[a] = inputs.Sum(t => t.Shape[a]);
            var expected = Map(inputs[0], outShape, _ => null);
            // Reference: each output position belongs to the input whose range along the axis covers it.
            var bytes = expected.Memory.Span;
            int es = type.Size(), k = 0;
            foreach (var idx in All(outShape))
            {
                int p = idx[a], which = 0;
                while (p >= inputs[which].Shape[a])
                    p -= inputs[which++].Shape[a];
                var src = (int[])idx.Clone();
                src[a] = p;
                inputs[which].Memory.Span.Slice(Offset(src, inputs[which].Shape.ToArray()) * es, es).CopyTo(bytes.Slice(k++ * es, es));
            }
            var y = OpRunner.Single(OpType.Concat, inputs.Select(t => (OpInput)t).ToArray(), Attr("axis", (long)axis));
            OpRunner.AssertSame(expected, y, $"axis {axis}");
        }
    }

    [Fact]
    public void ConcatOfShapeVectorsWithAnEmptyOne()
    {
        var y = OpRunner.Single(OpType.Concat, [Ints(1, 2), Ints(), Ints(-1)], Attr("axis", 0L));
        Assert.Equal([1L, 2, -1], y.ToArray<long>());
    }

    [Fact]
    public void ConcatRejectsMismatchedShapes()
    {
        var e = Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Concat, [Random(DataType.Float32, [2, 3]), Random(DataType.Float32, [3, 3])], 1, false, Attr("axis", 1L)));
        Assert.Contains("dimension 0 differs", e.Message);
    }

    private static Tensor[] SplitReference(Tensor x, int axis, int[] sizes)
    {
        var shape = x.Shape.ToArray();
        int start = 0;
        var r = new Tensor[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            var s = (int[])shape.Clone();
            s[axis] = sizes[i];
            int from = start;
            r[i] = Map(x, s, idx =>
            {
                var src = (int[])idx.Clone();
                src[axis] += from;
                return src;
            });
            start += sizes[i];
        }
        return r;
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void SplitWithSizesInput(DataType type)
    {
        var x = Random(type, [3, 7, 2], 3);
        var ys = OpRunner.RunBoth(OpType.Split, [x, Const(Ints(2, 0, 5))], 3, Attr("axis", -2L));
        var expected = SplitReference(x, 1, [2, 0, 5]);
        for (int i = 0; i < 3; i++)
            OpRunner.AssertSame(expected[i], ys[i], $"output {i}");
    }

    [Theory]
    [InlineData(7, 4, new[] { 2, 2, 2, 1 })]
    [InlineData(8, 4, new[] { 2, 2, 2, 2 })]
    [InlineData(5, 2, new[] { 3, 2 })]
    [InlineData(1, 1, new[] { 1 })]
    public void SplitNumOutputsGivesASmallerLastChunk(int dim, int n, int[] sizes)
    {
        var x = Random(DataType.Int64, [2, dim], 5);
        var ys = OpRunner.RunBoth(OpType.Split, [x], n, Attr("axis", 1L), Attr("num_outputs", (long)n));
        var expected = SplitReference(x, 1, sizes);
        for (int i = 0; i < n; i++)
            OpRunner.AssertSame(expected[i], ys[i], $"output {i}");
    }

    [Fact]
    public void SplitEvenlyWithoutSizes()
    {
        var x = Random(DataType.Bool, [6], 2);
        var ys = OpRunner.RunBoth(OpType.Split, [x], 3);
        var expected = SplitReference(x, 0, [2, 2, 2]);
        for (int i = 0; i < 3; i++)
            OpRunner.AssertSame(expected[i], ys[i]);
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.Split, [Random(DataType.Bool, [7])], 3, false));
    }
}
