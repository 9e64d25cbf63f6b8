using Xunit;
using Mote.Format;

namespace Mote.Runtime.Tests;

public class SessionTests
{
    private static ModelBuilder AddReshapeMul() => new ModelBuilder()
        .Input("x", DataType.Float32, Dim.Symbolic("N"), 6)
        .Constant("c", new float[] { 1, 2, 3, 4, 5, 6 }, 6)
        .Constant("shape", new long[] { -1, 3, 2 }, 3)
        .Node(OpType.Add, ["x", "c"], ["y1"])
        .Node(OpType.Reshape, ["y1", "shape"], ["r"])
        .Node(OpType.Mul, ["r", "r"], ["y3"])
        .Node(OpType.Shape, ["x"], ["xs"])
        .Output("y3")
        .Output("y1")
        .Output("xs", DataType.Int64);

    [Fact]
    public void RunsBroadcastAddReshapeMulAndFoldsShape()
    {
        using var session = AddReshapeMul().Session();
        var x = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        var outs = session.Run(new NamedTensor("x", Tensor.FromArray(x, 2, 6)));

        var y1 = outs["y1"].ToArray<float>();
        var expected1 = x.Select((v, i) => v + (i % 6) + 1).ToArray();
        Assert.Equal(expected1, y1);
        Assert.Equal([2, 6], outs["y1"].Shape.ToArray());
        Assert.Equal([2, 3, 2], outs["y3"].Shape.ToArray());
        Assert.Equal(expected1.Select(v => v * v).ToArray(), outs["y3"].ToArray<float>());
        Assert.Equal([2L, 6L], outs["xs"].ToArray<long>());
    }

    [Fact]
    public void RunIntoCallerTensorsMatchesRunAndChecksThem()
    {
        using var session = AddReshapeMul().Session();
        var x = Enumerable.Range(0, 12).Select(i => (float)i * 0.5f).ToArray();
        var input = new[] { new NamedTensor("x", Tensor.FromArray(x, 2, 6)) };
        var expected = session.Run(input);
        // Given in another order than the model's outputs, and prefilled so a missed copy shows.
        var y3 = Tensor.FromArray(Enumerable.Repeat(float.NaN, 12).ToArray(), 2, 3, 2);
        var y1 = Tensor.FromArray(Enumerable.Repeat(float.NaN, 12).ToArray(), 2, 6);
        var xs = Tensor.FromArray(new long[] { -1, -1 }, 2);
        NamedTensor[] outputs = [new("xs", xs), new("y1", y1), new("y3", y3)];
        for (int run = 0; run < 2; run++)
        {
            session.RunInto(input, outputs);
            Assert.Equal(expected["y1"].ToArray<float>(), y1.ToArray<float>());
            Assert.Equal(expected["y3"].ToArray<float>(), y3.ToArray<float>());
            Assert.Equal(expected["xs"].ToArray<long>(), xs.ToArray<long>());
        }
        var missing = Assert.Throws<MoteInputException>(() => session.RunInto(input, [new("y1", y1), new("y3", y3)]));
        Assert.Contains("'xs'", missing.Message);
        var wrongShape = Assert.Throws<MoteInputException>(() => session.RunInto(input, [new("xs", xs), new("y1", y3), new("y3", y3)]));
        Assert.Contains("'y1'", wrongShape.Message);
        Assert.Throws<MoteInputException>(() => session.RunInto(input, [new("xs", y1), new("y1", y1), new("y3", y3)]));
    }

    [Fact]
    public void RunIntoLeavesAlmostNoGarbage()
    {
        // A steady loop reuses the run context's input slots, the last plan and the caller's outputs: what is left
        // per run is a few bytes, not the arrays, closures and output tensors of a plain Run (about 1 KiB here).
        using var session = AddReshapeMul().Session();
        var input = new[] { new NamedTensor("x", Tensor.FromArray(new float[12], 2, 6)) };
        var outputs = session.Run(input).ToArray();
        for (int i = 0; i < 10; i++)
            session.RunInto(input, outputs);
        const int runs = 200;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < runs; i++)
            session.RunInto(input, outputs);
        long perRun = (GC.GetAllocatedBytesForCurrentThread() - before) / runs;
        Assert.True(perRun <= 64, $"{perRun} bytes per run");
    }

    [Fact]
    public void CachesOnePlanPerInputShape()
    {
        using var session = AddReshapeMul().Session();
        for (int round = 0; round < 3; round++)
            foreach (int n in new[] { 1, 4, 1, 7 })
            {
                var x = Enumerable.Range(0, n * 6).Select(i => (float)i * 0.5f).ToArray();
                var outs = session.Run(new NamedTensor("x", Tensor.FromArray(x, n, 6)));
                Assert.Equal(x.Select((v, i) => v + (i % 6) + 1).ToArray(), outs["y1"].ToArray<float>());
                Assert.Equal([(long)n, 6L], outs["xs"].ToArray<long>());
            }
        Assert.Equal(3, session.CachedPlanCount);
    }

    [Fact]
    public void ConcurrentRunsGiveIndependentResults()
    {
        using var session = AddReshapeMul().Session();
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            int n = 1 + i % 5;
            var x = Enumerable.Range(0, n * 6).Select(k => (float)(k + i)).ToArray();
            var outs = session.Run(new NamedTensor("x", Tensor.FromArray(x, n, 6)));
            Assert.Equal(x.Select((v, k) => v + (k % 6) + 1).ToArray(), outs["y1"].ToArray<float>());
        });
    }

    [Fact]
    public void WrongInputsSayWhatWasExpected()
    {
        using var session = AddReshapeMul().Session();
        var ok = Tensor.FromArray(new float[6], 1, 6);
        var e1 = Assert.Throws<MoteInputException>(() => session.Run(new NamedTensor("X", ok)));
        Assert.Contains("no input named 'X'", e1.Message);
        Assert.Contains("x: f32[N,6]", e1.Message);
        var e2 = Assert.Throws<MoteInputException>(() => session.Run(new NamedTensor("x", Tensor.FromArray(new long[6], 1, 6))));
        Assert.Contains("must be f32, got i64", e2.Message);
        var e3 = Assert.Throws<MoteInputException>(() => session.Run(new NamedTensor("x", Tensor.FromArray(new float[5], 1, 5))));
        Assert.Contains("dimension 1 must be 6", e3.Message);
        var e4 = Assert.Throws<MoteInputException>(() => session.Run(new NamedTensor("x", Tensor.FromArray(new float[6], 6))));
        Assert.Contains("rank 2", e4.Message);
        var e5 = Assert.Throws<MoteInputException>(() => session.Run());
        Assert.Contains("missing input", e5.Message);
    }

    [Fact]
    public void ShapeErrorsNameTheNode()
    {
        var b = new ModelBuilder()
            .Input("x", DataType.Float32, Dim.Symbolic("N"), 6)
            .Constant("shape", new long[] { 4, -1 }, 2)
            .Node(OpType.Reshape, ["x", "shape"], ["r"])
            .Output("r");
        using var session = b.Session();
        var e = Assert.Throws<MoteShapeException>(() => session.Run(new NamedTensor("x", Tensor.FromArray(new float[18], 3, 6))));
        Assert.Contains("Reshape 'reshape0'", e.Message);
        Assert.Contains("cannot reshape [3,6]", e.Message);
    }

    [Fact]
    public void Float16InputsAndOutputsComputeInFloat32()
    {
        var b = new ModelBuilder()
            .Input("x", DataType.Float16, 4)
            .Constant("c", new Half[] { (Half)0.5f, (Half)1, (Half)2, (Half)(-3) }, 4)
            .Node(OpType.Mul, ["x", "c"], ["y"])
            .Output("y", DataType.Float16);
        using var session = b.Session();
        var x = new Half[] { (Half)1, (Half)2, (Half)3, (Half)4 };
        var y = session.Run(new NamedTensor("x", Tensor.FromArray(x, 4)))["y"];
        Assert.Equal(DataType.Float16, y.Type);
        Assert.Equal(new[] { 0.5f, 2f, 6f, -12f }, y.ToArray<Half>().Select(h => (float)h).ToArray());
    }

    [Fact]
    public void ShapeOfARunTimeInputIsFoldedSoReshapeCanUseIt()
    {
        // y = Reshape(x, Concat(Shape(x)[0], [-1])): the PyTorch flatten idiom on a dynamic batch.
        var b = new ModelBuilder()
            .Input("x", DataType.Float32, Dim.Symbolic("N"), 2, 3)
            .Constant("zero", new long[] { 0 }, 1)
            .Constant("minus1", new long[] { -1 }, 1)
            .Node(OpType.Shape, ["x"], ["s"])
            .Node(OpType.Gather, ["s", "zero"], ["n"], AttributeDef.FromInt("axis", 0))
            .Node(OpType.Concat, ["n", "minus1"], ["spec"], AttributeDef.FromInt("axis", 0))
            .Node(OpType.Reshape, ["x", "spec"], ["y"])
            .Output("y");
        using var session = b.Session();
        foreach (int n in new[] { 1, 3 })
        {
            var x = Enumerable.Range(0, n * 6).Select(i => (float)i).ToArray();
            var y = session.Run(new NamedTensor("x", Tensor.FromArray(x, n, 2, 3)))["y"];
            Assert.Equal([n, 6], y.Shape.ToArray());
            Assert.Equal(x, y.ToArray<float>());
        }
        var plan = session.PlanFor(new Dictionary<string, int[]> { ["x"] = [3, 2, 3] });
        Assert.Equal(0, plan.ExecutedNodes);
    }

    [Fact]
    public void UndeclaredOutputsKeepTheirComputedType()
    {
        var b = new ModelBuilder().Input("x", DataType.Float32, 2, 3).Node(OpType.Shape, ["x"], ["s"]);
        b.Model.Graph.Outputs.Add("s");
        using var session = b.Session();
        var s = session.Run(new NamedTensor("x", Tensor.FromArray(new float[6], 2, 3)))["s"];
        Assert.Equal(DataType.Int64, s.Type);
        Assert.Equal([2L, 3L], s.ToArray<long>());
    }

    [Fact]
    public void DataDependentShapesRunAsDynamicSteps()
    {
        // NonZero's output size depends on the data; everything downstream is shaped at run time.
        var b = new ModelBuilder()
            .Input("x", DataType.Float32, Dim.Symbolic("N"))
            .Constant("two", new float[] { 2 }, 1)
            .Node(OpType.Mul, ["x", "two"], ["x2"])
            .Node(OpType.NonZero, ["x2"], ["nz"])
            .Node(OpType.Transpose, ["nz"], ["idx"])
            .Node(OpType.Shape, ["idx"], ["count"])
            .Node(OpType.Add, ["x2", "two"], ["y"]);
        b.Model.Graph.Outputs.AddRange(["idx", "count", "y"]);
        using var session = b.Session();
        for (int round = 0; round < 3; round++)
            foreach (var x in new[] { new float[] { 0, 1, 0, 3 }, new float[] { 5, 0 }, new float[] { 0, 0, 0 }, new float[] { 1, 2, 3, 4, 5 } })
            {
                var outs = session.Run(new NamedTensor("x", Tensor.FromArray(x, x.Length)));
                var expected = x.Select((v, i) => (v, i)).Where(p => p.v != 0).Select(p => (long)p.i).ToArray();
                Assert.Equal([expected.Length, 1], outs["idx"].Shape.ToArray());
                Assert.Equal(expected, outs["idx"].ToArray<long>());
                Assert.Equal([(long)expected.Length, 1L], outs["count"].ToArray<long>());
                Assert.Equal(x.Select(v => v * 2 + 2).ToArray(), outs["y"].ToArray<float>());
            }
    }

    [Fact]
    public void ReshapeToAShapeComputedFromDataIsDynamic()
    {
        var b = new ModelBuilder()
            .Input("x", DataType.Float32, 6)
            .Input("s", DataType.Float32, 2)
            .Node(OpType.Cast, ["s"], ["si"], AttributeDef.FromInt("to", (long)DataType.Int64))
            .Node(OpType.Reshape, ["x", "si"], ["r"])
            .Node(OpType.Transpose, ["r"], ["y"])
            .Output("y");
        using var session = b.Session();
        var x = new float[] { 1, 2, 3, 4, 5, 6 };
        var y1 = session.Run(new("x", Tensor.FromArray(x, 6)), new("s", Tensor.FromArray(new float[] { 2, 3 }, 2)))["y"];
        Assert.Equal([3, 2], y1.Shape.ToArray());
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, y1.ToArray<float>());
        var y2 = session.Run(new("x", Tensor.FromArray(x, 6)), new("s", Tensor.FromArray(new float[] { 3, -1 }, 2)))["y"];
        Assert.Equal([2, 3], y2.Shape.ToArray());
        Assert.Equal(new float[] { 1, 3, 5, 2, 4, 6 }, y2.ToArray<float>());
        var e = Assert.Throws<MoteShapeException>(() => session.Run(new("x", Tensor.FromArray(x, 6)), new("s", Tensor.FromArray(new float[] { 4, 4 }, 2))));
        Assert.Contains("Reshape", e.Message);
    }
}
