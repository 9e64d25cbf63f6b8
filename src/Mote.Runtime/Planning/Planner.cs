using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Kernels;
using Mote.Runtime.Execution;
using Mote.Runtime.Graph;
using Mote.Runtime.Operators;

namespace Mote.Runtime.Planning;

/// <summary>
/// Builds an <see cref="ExecutionPlan"/> for concrete input shapes: infers every shape node by node,
/// evaluates small deterministic nodes whose inputs are all known (shape arithmetic such as
/// Shape→Gather→Concat→Reshape), then packs the remaining values into one arena by liveness.
/// </summary>
internal static class Planner
{
    /// <summary>Nodes whose inputs are all known and whose outputs are at most this many elements are evaluated while planning.</summary>
    public const long FoldLimit = 1 << 16;

    /// <summary>
    /// Plans a run. With <paramref name="failures"/> given, a node whose shapes cannot be inferred is
    /// recorded there and skipped (its outputs stay unknown) instead of failing the plan: the result
    /// is then only good for reading shapes (the converter's shape inference), not for running.
    /// </summary>
    public static unsafe ExecutionPlan Plan(SessionGraph g, IReadOnlyList<int[]> inputShapes, KernelSet kernels, List<string>? failures = null)
    {
        int n = g.Values.Length;
        var shapes = new int[]?[n];
        var types = new DataType[n];
        var known = new TensorValue?[n];
        var locations = new ValueLocation[n];
        var folded = new List<byte[]>();

        foreach (var (slot, id) in g.Values.Select((s, i) => (s, i)))
            if (slot.Kind == ValueKind.Constant)
            {
                shapes[id] = slot.Constant.Shape;
                types[id] = slot.Constant.Type;
                known[id] = slot.Constant;
                locations[id] = new(LocationKind.Constant, 0);
            }

        var widened = new List<int>();
        for (int i = 0; i < g.Inputs.Length; i++)
        {
            int id = g.Inputs[i];
            var declared = g.Values[id].Def!.Type;
            shapes[id] = inputShapes[i];
            types[id] = SessionGraph.ComputeType(declared);
            if (types[id] != declared)
                widened.Add(id);
            else
                locations[id] = new(LocationKind.Input, i);
        }

        // Values produced by view nodes share the storage of their source (the alias root).
        var root = Enumerable.Range(0, n).ToArray();
        var ctx = new ShapeContext(Math.Max(1, g.MaxInputs), Math.Max(1, g.MaxOutputs));
        var steps = new List<int>();
        var stepScratch = new List<long>();
        for (int ni = 0; ni < g.Nodes.Length; ni++)
        {
            var node = g.Nodes[ni];
            ctx.Reset(node.Inputs.Length, node.Outputs.Length);
            bool allKnown = true;
            for (int j = 0; j < node.Inputs.Length; j++)
            {
                int id = node.Inputs[j];
                if (id < 0)
                    continue;
                if (shapes[id] is null)
                    break;
                ctx.SetInput(j, types[id], shapes[id]!, known[id]);
                allKnown &= known[id].HasValue;
            }
            var missing = node.Inputs.FirstOrDefault(id => id >= 0 && shapes[id] is null, -1);
            if (missing >= 0)
            {
                if (failures is not null)
                    continue;
                throw new MoteShapeException($"{node.Op.Node.Describe()}: input '{g.Values[missing].Name}' is not computed before this node");
            }
            try
            {
                node.Op.InferShapes(ctx);
            }
            catch (MoteException e) when (e is MoteShapeException or MoteNotSupportedException)
            {
                var error = Rewrap(e, $"{node.Op.Node.Describe()}: {e.Message}");
                if (failures is null)
                    throw error;
                failures.Add(error.Message);
                continue;
            }
            long outElements = 0;
            for (int k = 0; k < node.Outputs.Length; k++)
            {
                int id = node.Outputs[k];
                if (id < 0)
                    continue;
                shapes[id] = ctx.OutputShapes[k] ?? throw new MoteShapeException($"{node.Op.Node.Describe()}: output {k} was not inferred");
                types[id] = ctx.OutputTypes[k];
                outElements += ShapeMath.Count(shapes[id]);
            }

            if ((allKnown || node.Op.ReadsOnlyInputShapes) && node.Op.IsDeterministic && outElements <= FoldLimit)
            {
                Fold(g, node, ctx.ScratchBytes, shapes, types, known, locations, folded, kernels);
                continue;
            }
            if (node.Op.IsView && node.Outputs[0] >= 0)
            {
                int src = root[node.Inputs[0]];
                root[node.Outputs[0]] = src;
                if (known[node.Inputs[0]] is { } kv)
                    known[node.Outputs[0]] = new TensorValue(kv.Type, shapes[node.Outputs[0]]!, kv.Data);
                continue;
            }
            steps.Add(ni);
            stepScratch.Add(ctx.ScratchBytes);
        }

        var requests = Liveness(g, steps, widened, shapes, types, locations, root);
        var (offsets, total) = ArenaAllocator.Assign(requests);
        for (int i = 0; i < requests.Count; i++)
            locations[requests[i].Id] = new(LocationKind.Arena, offsets[i]);
        for (int id = 0; id < n; id++)
            if (root[id] != id)
                locations[id] = locations[root[id]];

        return new ExecutionPlan
        {
            Shapes = shapes,
            Types = types,
            Locations = locations,
            Roots = root,
            Steps = [.. steps],
            StepScratch = [.. stepScratch],
            Folded = [.. folded],
            WidenedInputs = [.. widened],
            ArenaBytes = total,
            ScratchBytes = stepScratch.Count == 0 ? 0 : stepScratch.Max(),
        };
    }

    /// <summary>
    /// Lifetimes of every value that lives in the arena (computed by a step, or a widened input),
    /// merged per alias root so that a view keeps its source alive.
    /// </summary>
    private static List<ArenaAllocator.Request> Liveness(SessionGraph g, List<int> steps, List<int> widened,
        int[]?[] shapes, DataType[] types, ValueLocation[] locations, int[] root)
    {
        int n = g.Values.Length;
        var first = new int[n];
        var last = new int[n];
        Array.Fill(first, int.MaxValue);
        Array.Fill(last, -1);
        foreach (int id in widened)
        {
            first[id] = -1;
            last[id] = -1;
        }
        for (int s = 0; s < steps.Count; s++)
        {
            var node = g.Nodes[steps[s]];
            foreach (int id in node.Inputs)
                if (id >= 0)
                    last[root[id]] = Math.Max(last[root[id]], s);
            foreach (int id in node.Outputs)
                if (id >= 0)
                {
                    first[root[id]] = Math.Min(first[root[id]], s);
                    last[root[id]] = Math.Max(last[root[id]], s);
                }
        }
        foreach (int id in g.Outputs)
            last[root[id]] = steps.Count;

        var requests = new List<ArenaAllocator.Request>();
        for (int id = 0; id < n; id++)
        {
            bool inArena = root[id] == id && first[id] != int.MaxValue && locations[id].Kind == LocationKind.None && shapes[id] is not null;
            if (inArena)
                requests.Add(new(id, ShapeMath.Count(shapes[id]!) * types[id].Size(), first[id], last[id]));
        }
        return requests;
    }

    private static unsafe void Fold(SessionGraph g, NodeSlot node, long scratchBytes, int[]?[] shapes, DataType[] types,
        TensorValue?[] known, ValueLocation[] locations, List<byte[]> folded, KernelSet kernels)
    {
        var ins = new TensorValue[node.Inputs.Length];
        for (int j = 0; j < ins.Length; j++)
        {
            int id = node.Inputs[j];
            // A shape-only operator may see a run-time input: its shape is known, its data is not.
            if (id >= 0)
                ins[j] = known[id] ?? new TensorValue(types[id], shapes[id]!, null);
        }
        var outs = new TensorValue[node.Outputs.Length];
        for (int k = 0; k < outs.Length; k++)
        {
            int id = node.Outputs[k];
            if (id < 0)
                continue;
            var buffer = GC.AllocateArray<byte>((int)Math.Max(1, ShapeMath.Count(shapes[id]!) * types[id].Size()), pinned: true);
            folded.Add(buffer);
            outs[k] = new TensorValue(types[id], shapes[id]!, Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer)));
            known[id] = outs[k];
            locations[id] = new(LocationKind.Folded, folded.Count - 1);
        }
        var scratch = GC.AllocateArray<byte>((int)scratchBytes, pinned: true);
        Executor.RunNode(node, ins, outs, kernels, null, scratch);
    }

    private static MoteException Rewrap(MoteException e, string message) => e switch
    {
        MoteNotSupportedException => new MoteNotSupportedException(message),
        _ => new MoteShapeException(message),
    };
}
