using System.Reflection;
using Mote.Format;
using Mote.Kernels.Threading;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.NeuralNet;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>How the neural-network operators execute: which kernel path a convolution takes, and that steady-state runs allocate nothing.</summary>
public class NeuralNetExecutionTests
{
    [Theory]
    [InlineData(new[] { 1, 32, 20, 20 }, new[] { 32, 1, 3, 3 }, 32, "Depthwise")]
    [InlineData(new[] { 1, 16, 20, 20 }, new[] { 32, 1, 3, 3 }, 16, "Depthwise")]
    [InlineData(new[] { 1, 16, 20 }, new[] { 16, 1, 3 }, 16, "Depthwise")]
    [InlineData(new[] { 1, 16, 20, 20 }, new[] { 32, 16, 1, 1 }, 1, "Pointwise")]
    [InlineData(new[] { 1, 16, 20, 20 }, new[] { 32, 4, 1, 1 }, 4, "Pointwise")]
    [InlineData(new[] { 1, 16, 20, 20 }, new[] { 32, 16, 3, 3 }, 1, "Implicit")]
    [InlineData(new[] { 1, 16, 4, 5, 6 }, new[] { 8, 16, 1, 1, 1 }, 1, "Pointwise")]
    [InlineData(new[] { 1, 16, 4, 5, 6 }, new[] { 8, 16, 3, 3, 3 }, 1, "Im2ColNd")]
    [InlineData(new[] { 1, 4, 4, 5, 6 }, new[] { 4, 1, 3, 3, 3 }, 4, "Im2ColNd")]
    public void ConvChoosesItsKernelPath(int[] x, int[] w, int group, string expected)
    {
        var model = new ModelBuilder()
            .Input("x", DataType.Float32, x.Select(d => (Dim)d).ToArray())
            .Constant("w", new float[w.Aggregate(1, (a, d) => a * d)], w.Select(d => (long)d).ToArray())
            .Node(OpType.Conv, ["x", "w"], ["y"], AttributeDef.FromInt("group", group))
            .Output("y");
        using var session = model.Session();
        var conv = Assert.IsType<ConvOperator>(session.Graph.Nodes[0].Op);
        Assert.Equal(Enum.Parse<ConvPath>(expected), conv.PathFor(x, w));
    }

    [Fact]
    public void StridedOnePixelKernelIsNotPointwise()
    {
        var model = new ModelBuilder()
            .Input("x", DataType.Float32, 1, 8, 9, 9)
            .Constant("w", new float[4 * 8], 4, 8, 1, 1)
            .Node(OpType.Conv, ["x", "w"], ["y"], AttributeDef.FromInts("strides", [2, 2]))
            .Output("y");
        using var session = model.Session();
        Assert.Equal(ConvPath.Im2Col2D, ((ConvOperator)session.Graph.Nodes[0].Op).PathFor([1, 8, 9, 9], [4, 8, 1, 1]));
    }

    /// <summary>A small CNN of every operator here; after a warm-up run, running the plan again allocates nothing (caller or pool threads).</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public unsafe void SteadyStateRunsAllocateNothing(int threads)
    {
        var model = new ModelBuilder()
            .Input("x", DataType.Float32, 4, 8, 32, 32)
            .Constant("w1", NnRunner.Random(16 * 8 * 9, 1), 16, 8, 3, 3)
            .Constant("w2", NnRunner.Random(16 * 9, 2), 16, 1, 3, 3)
            .Constant("w3", NnRunner.Random(16 * 16, 3), 16, 16, 1, 1)
            .Constant("w4", NnRunner.Random(16 * 8 * 4, 4), 16, 8, 2, 2)
            .Constant("w5", NnRunner.Random(8 * 8 * 27, 5), 8, 8, 3, 3, 3)
            .Constant("b", NnRunner.Random(16, 6), 16)
            .Constant("fc", NnRunner.Random(10 * 8, 7), 10, 8)
            .Constant("mm", NnRunner.Random(10 * 4, 8), 10, 4)
            .Constant("shape3d", new long[] { 4, 8, 2, 32, 32 }, 5)
            .Node(OpType.Conv, ["x", "w1", "b"], ["c1"], AttributeDef.FromInts("pads", [1, 1, 1, 1]), AttributeDef.FromInt(FusedActivation.KindAttribute, 1))
            .Node(OpType.Conv, ["c1", "w2", "b"], ["c2"], AttributeDef.FromInt("group", 16), AttributeDef.FromInts("pads", [1, 1, 1, 1]))
            .Node(OpType.Conv, ["c2", "w3"], ["c3"])
            .Node(OpType.MaxPool, ["c3"], ["p1"], AttributeDef.FromInts("kernel_shape", [2, 2]), AttributeDef.FromInts("strides", [2, 2]))
            .Node(OpType.ConvTranspose, ["p1", "w4"], ["t1"], AttributeDef.FromInts("strides", [2, 2]), AttributeDef.FromInt("group", 2))
            .Node(OpType.Reshape, ["t1", "shape3d"], ["r3"])
            .Node(OpType.Conv, ["r3", "w5"], ["c5"], AttributeDef.FromInts("pads", [1, 1, 1, 1, 1, 1]))
            .Node(OpType.AveragePool, ["c5"], ["p2"], AttributeDef.FromInts("kernel_shape", [2, 3, 3]), AttributeDef.FromInts("strides", [2, 2, 2]))
            .Node(OpType.GlobalAveragePool, ["p2"], ["g"])
            .Node(OpType.Flatten, ["g"], ["f"])
            .Node(OpType.Gemm, ["f", "fc", ""], ["h"], AttributeDef.FromInt("transB", 1))
            .Node(OpType.MatMul, ["h", "mm"], ["y"])
            .Constant("batches", new long[] { 64, 32, 32 }, 3)
            .Node(OpType.Reshape, ["c3", "batches"], ["rb"])
            .Node(OpType.MatMul, ["rb", "rb"], ["z"])
            .Output("y")
            .Output("z");
        using var session = model.Session(new SessionOptions { Threads = threads });
        var x = NnRunner.Random(4 * 8 * 32 * 32, 9);
        var pool = (KernelThreadPool?)typeof(InferenceSession).GetField("_pool", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(session);
        var plan = session.GetPlan([[4, 8, 32, 32]]);
        Assert.True(plan.Steps.Length == 11, $"only {plan.Steps.Length} steps: the graph was folded");
        var ctx = new RunContext();
        fixed (float* px = x)
        {
            var inputs = new[] { new TensorValue(DataType.Float32, [4, 8, 32, 32], px) };
            for (int warm = 0; warm < 3; warm++)
                Executor.Run(session.Graph, plan, inputs, ctx, session.Kernels, pool);
            // Which worker takes which tile varies, so a worker may meet a code path (and its one-time static
            // set-up) for the first time after the warm-up; a run that allocates, allocates on every run.
            long mine = 0, theirs = 0;
            for (int attempt = 0; attempt < 10; attempt++)
            {
                long workers = pool?.WorkerAllocatedBytes ?? 0;
                long before = GC.GetAllocatedBytesForCurrentThread();
                Executor.Run(session.Graph, plan, inputs, ctx, session.Kernels, pool);
                mine = GC.GetAllocatedBytesForCurrentThread() - before;
                theirs = (pool?.WorkerAllocatedBytes ?? 0) - workers;
                if (mine == 0 && theirs == 0)
                    break;
            }
            Assert.Equal(0, mine);
            Assert.Equal(0, theirs);
        }
        // And the result is the one a fresh session computes.
        using var single = model.Session();
        var a = single.Run(new NamedTensor("x", Tensor.FromArray(x, 4, 8, 32, 32)));
        var b = session.Run(new NamedTensor("x", Tensor.FromArray(x, 4, 8, 32, 32)));
        OpRunner.AssertSame(a["y"], b["y"], $"y: {threads} threads vs 1");
        OpRunner.AssertSame(a["z"], b["z"], $"z: {threads} threads vs 1");
    }
}
