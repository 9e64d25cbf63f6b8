using System.Reflection;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Graph;
using Mote.Runtime.Operators;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>Operators must not allocate while executing: run each one's Execute repeatedly and count GC bytes.</summary>
public class ExecuteAllocationTests
{
    public static TheoryData<string> Cases => new(Builders.Keys);

    private static readonly Dictionary<string, Func<ModelBuilder>> Builders = new()
    {
        ["AddBroadcast"] = () => Binary(OpType.Add, [2, 8, 5, 7], [8, 1, 1]),
        ["MulRows"] = () => Binary(OpType.Mul, [6, 33], [33]),
        ["DivInt64"] = () => Binary(OpType.Div, [4, 9], [4, 1], DataType.Int64),
        ["LessBroadcast"] = () => Binary(OpType.Less, [3, 1, 5], [4, 1]),
        ["Pow"] = () => Binary(OpType.Pow, [3, 17], [17]),
        ["Max3"] = () => new ModelBuilder().Input("a", DataType.Float32, 2, 3).Input("b", DataType.Float32, 3).Input("c", DataType.Float32, 2, 1)
            .Node(OpType.Max, ["a", "b", "c"], ["y"]).Output("y"),
        ["Where"] = () => new ModelBuilder().Input("c", DataType.Bool, 4, 1).Input("a", DataType.Float32, 5).Input("b", DataType.Float32, 4, 5)
            .Node(OpType.Where, ["c", "a", "b"], ["y"]).Output("y"),
        ["Sigmoid"] = () => Unary(OpType.Sigmoid),
        ["Gelu"] = () => Unary(OpType.Gelu),
        ["Erf"] = () => Unary(OpType.Erf),
        ["Log"] = () => Unary(OpType.Log),
        ["Clip"] = () => new ModelBuilder().Input("x", DataType.Float32, 3, 50).Constant("lo", new[] { -1f }).Constant("hi", new[] { 1f })
            .Node(OpType.Clip, ["x", "lo", "hi"], ["y"]).Output("y"),
        ["CastF32ToF16"] = () => new ModelBuilder().Input("x", DataType.Float32, 3, 50).Node(OpType.Cast, ["x"], ["y"], Int("to", (long)DataType.Float16)).Output("y"),
        ["CastI64ToF32"] = () => new ModelBuilder().Input("x", DataType.Int64, 3, 50).Node(OpType.Cast, ["x"], ["y"], Int("to", (long)DataType.Float32)).Output("y"),
        ["Softmax"] = () => new ModelBuilder().Input("x", DataType.Float32, 4, 100).Node(OpType.Softmax, ["x"], ["y"]).Output("y"),
        ["SoftmaxAxis0"] = () => new ModelBuilder().Input("x", DataType.Float32, 4, 100).Node(OpType.LogSoftmax, ["x"], ["y"], Int("axis", 0)).Output("y"),
        ["ReduceMeanHW"] = () => new ModelBuilder().Input("x", DataType.Float32, 2, 8, 5, 7).Constant("axes", new long[] { 2, 3 }, 2)
            .Node(OpType.ReduceMean, ["x", "axes"], ["y"]).Output("y"),
        ["ReduceL1Multi"] = () => new ModelBuilder().Input("x", DataType.Float32, 2, 8, 5, 7).Constant("axes", new long[] { 0, 2 }, 2)
            .Node(OpType.ReduceL1, ["x", "axes"], ["y"]).Output("y"),
        ["ReduceLogSumExp"] = () => new ModelBuilder().Input("x", DataType.Float32, 2, 8, 5).Constant("axes", new long[] { 1 }, 1)
            .Node(OpType.ReduceLogSumExp, ["x", "axes"], ["y"]).Output("y"),
        ["ArgMax"] = () => new ModelBuilder().Input("x", DataType.Float32, 2, 8, 5).Node(OpType.ArgMax, ["x"], ["y"], Int("axis", 1)).Output("y"),
        ["CumSum"] = () => new ModelBuilder().Input("x", DataType.Float32, 2, 8, 5).Constant("axis", new long[] { 1 })
            .Node(OpType.CumSum, ["x", "axis"], ["y"]).Output("y"),
        ["BatchNorm"] = () => Norm(OpType.BatchNormalization, 4),
        ["InstanceNorm"] = () => Norm(OpType.InstanceNormalization, 2),
        ["GroupNorm"] = () => Norm(OpType.GroupNormalization, 2, Int("num_groups", 2)),
        ["LayerNorm"] = () => new ModelBuilder().Input("x", DataType.Float32, 3, 4, 6).Constant("s", new float[6], 1, 6).Constant("b", new float[6], 6)
            .Node(OpType.LayerNormalization, ["x", "s", "b"], ["y", "m", "i"], Int("axis", 1)).Output("y").Output("m").Output("i"),
        ["LpNorm"] = () => new ModelBuilder().Input("x", DataType.Float32, 3, 4, 6).Node(OpType.LpNormalization, ["x"], ["y"], Int("axis", 1)).Output("y"),
        ["MeanVarianceNorm"] = () => new ModelBuilder().Input("x", DataType.Float32, 2, 4, 3, 3).Node(OpType.MeanVarianceNormalization, ["x"], ["y"]).Output("y"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public unsafe void ExecuteDoesNotAllocate(string name)
    {
        var b = Builders[name]();
        using var session = b.Session();
        var graph = (SessionGraph)typeof(InferenceSession).GetField("_graph", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(session)!;
        var shapes = session.Inputs.Select(i => i.Shape.Select(d => (int)d.Value).ToArray()).ToArray();
        var plan = session.GetPlan(shapes);
        Assert.Single(plan.Steps);
        var node = graph.Nodes[plan.Steps[0]];
        var handles = new List<GCHandle>();
        TensorValue Bind(int id)
        {
            if (id < 0)
                return default;
            if (graph.Values[id].Kind == ValueKind.Constant)
                return graph.Values[id].Constant;
            var type = plan.Types[id];
            var bytes = new byte[Math.Max(1, Count(plan.Shapes[id]!) * type.Size())];
            new Random(id).NextBytes(bytes);
            if (type == DataType.Float32)
                MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).Fill(0.75f);
            var h = GCHandle.Alloc(bytes, GCHandleType.Pinned);
            handles.Add(h);
            return new TensorValue(type, plan.Shapes[id]!, (void*)h.AddrOfPinnedObject());
        }
        var ins = node.Inputs.Select(Bind).ToArray();
        var outs = node.Outputs.Select(Bind).ToArray();
        var scratch = new byte[plan.StepScratch[0] + 64];
        try
        {
            for (int i = 0; i < 3; i++)
                node.Op.Execute(new NodeContext(ins, outs, session.Kernels, null, scratch));
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
                node.Op.Execute(new NodeContext(ins, outs, session.Kernels, null, scratch));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{name}: Execute allocated {allocated} bytes over 20 runs");
        }
        finally
        {
            foreach (var h in handles)
                h.Free();
        }
    }

    private static ModelBuilder Binary(OpType op, int[] a, int[] b, DataType t = DataType.Float32) => new ModelBuilder()
        .Input("a", t, a.Select(d => (Dim)d).ToArray()).Input("b", t, b.Select(d => (Dim)d).ToArray()).Node(op, ["a", "b"], ["y"]).Output("y");

    private static ModelBuilder Unary(OpType op) => new ModelBuilder().Input("x", DataType.Float32, 3, 37).Node(op, ["x"], ["y"]).Output("y");

    private static ModelBuilder Norm(OpType op, int parameters, params AttributeDef[] attrs)
    {
        var b = new ModelBuilder().Input("x", DataType.Float32, 2, 4, 5, 3);
        var names = new List<string> { "x" };
        for (int i = 0; i < parameters; i++)
        {
            b.Constant($"p{i}", new[] { 1f, 0.5f, 2f, 1.5f }, 4);
            names.Add($"p{i}");
        }
        return b.Node(op, [.. names], ["y"], attrs).Output("y");
    }
}
