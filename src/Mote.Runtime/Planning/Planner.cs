using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Kernels;
using Mote.Runtime.Execution;
using Mote.Runtime.Graph;
using Mote.Runtime.Operators;
using Mote.Runtime.Operators.Data;

namespace Mote.Runtime.Planning;

/// <summary>
/// Builds an <see cref="ExecutionPlan"/> for concrete input shapes: infers every shape node by node,
/// evaluates small deterministic nodes whose inputs are all known (shape arithmetic such as
/// Shape→Gather→Concat→Reshape), then packs the remaining values into one arena by liveness.
/// A node whose output shape depends on data only known while running (NonZero, a Reshape to a
/// computed shape, If) becomes a dynamic step, and so does everything downstream of it: those
/// infer shapes at run time and take their memory from a per-run buffer pool.
/// </summary>
internal static partial class Planner
{
    /// <summary>Nodes whose inputs are all known and whose outputs are at most this many elements are evaluated while planning.</summary>
    public const long FoldLimit = 1 << 16;

    /// <summary>
    /// Plans a run. With <paramref name="failures"/> given, a node whose shapes cannot be inferred is
    /// recorded there and skipped (its outputs stay unknown) instead of failing the plan: the result
    /// is then only good for reading shapes (the converter's shape inference), not for running.
    /// </summary>
    /// <remarks><paramref name="inputTypes"/> gives the inputs' element types when the graph does not declare them (subgraphs); null uses the declarations.</remarks>
    public static ExecutionPlan Plan(SessionGraph g, IReadOnlyList<int[]> inputShapes, KernelSet kernels, List<string>? failures = null,
        IReadOnlyList<DataType>? inputTypes = null)
    {
        var s = new State(g);
        s.BindConstantsAndInputs(inputShapes, inputTypes);
        var ctx = new ShapeContext(Math.Max(1, g.MaxInputs), Math.Max(1, g.MaxOutputs));
        for (int ni = 0; ni < g.Nodes.Length; ni++)
            s.PlanNode(ni, ctx, kernels, failures);
        s.ResolveRoots();

        var (requests, lastUse) = Liveness(s);
        var (offsets, total) = ArenaAllocator.Assign(requests);
        for (int i = 0; i < requests.Count; i++)
            s.Locations[requests[i].Id] = new(LocationKind.Arena, offsets[i]);
        for (int id = 0; id < s.Root.Length; id++)
            if (s.Root[id] != id)
            {
                var loc = s.Locations[s.Root[id]];
                s.Locations[id] = loc.Kind == LocationKind.Arena ? loc with { Offset = loc.Offset + s.RootOffset[id] } : loc;
            }

        return new ExecutionPlan
        {
            Shapes = s.Shapes,
            Types = s.Types,
            Locations = s.Locations,
            Roots = s.Root,
            RootOffsets = s.RootOffset,
            Steps = [.. s.Steps],
            StepScratch = [.. s.StepScratch],
            StepDynamic = [.. s.StepDynamic],
            DynamicReleases = Releases(lastUse, s.Steps.Count),
            Folded = [.. s.Folded],
            WidenedInputs = [.. s.Widened],
            ArenaBytes = total,
            ScratchBytes = s.StepScratch.Count == 0 ? 0 : s.StepScratch.Max(),
        };
    }

    /// <summary>For each step, the dynamic values whose pooled buffers can be returned after it.</summary>
    private static int[][] Releases(int[] lastUse, int steps)
    {
        var lists = new List<int>[steps];
        for (int id = 0; id < lastUse.Length; id++)
            if (lastUse[id] >= 0 && lastUse[id] < steps)
                (lists[lastUse[id]] ??= []).Add(id);
        return lists.Select(l => l?.ToArray() ?? []).ToArray();
    }

    /// <summary>
    /// Lifetimes of every value that lives in the arena (computed by a static step, or a widened
    /// input), merged per alias root so that a view keeps its source alive (and a concat written in place
    /// lives from its first input's producer to the last reader of it or any input); and for values produced
    /// by dynamic steps, the step after which their pooled buffer can be returned.
    /// </summary>
    private static (List<ArenaAllocator.Request> Requests, int[] DynamicLastUse) Liveness(State s)
    {
        var g = s.Graph;
        int n = g.Values.Length;
        var root = s.Root;
        var first = new int[n];
        var last = new int[n];
        Array.Fill(first, int.MaxValue);
        Array.Fill(last, -1);
        foreach (int id in s.Widened)
            first[id] = -1;
        for (int step = 0; step < s.Steps.Count; step++)
        {
            var node = g.Nodes[s.Steps[step]];
            foreach (int id in node.Inputs)
                if (id >= 0)
                    last[root[id]] = Math.Max(last[root[id]], step);
            foreach (int id in node.Outputs)
                if (id >= 0)
                {
                    first[root[id]] = Math.Min(first[root[id]], step);
                    last[root[id]] = Math.Max(last[root[id]], step);
                }
            foreach (int id in node.ImplicitInputs)
                last[root[id]] = Math.Max(last[root[id]], step);
        }
        foreach (int id in g.Outputs)
            last[root[id]] = s.Steps.Count;

        var requests = new List<ArenaAllocator.Request>();
        var dynamicLast = new int[n];
        Array.Fill(dynamicLast, -1);
        for (int id = 0; id < n; id++)
        {
            if (root[id] != id || first[id] == int.MaxValue)
                continue;
            if (s.Locations[id].Kind == LocationKind.Dynamic)
                dynamicLast[id] = last[id];
            else if (s.Locations[id].Kind == LocationKind.None && s.Shapes[id] is not null)
                requests.Add(new(id, ShapeMath.Count(s.Shapes[id]!) * s.Types[id].Size(), first[id], last[id]));
        }
        return (requests, dynamicLast);
    }

    /// <summary>Per-value facts gathered while walking the nodes.</summary>
    private sealed partial class State(SessionGraph g)
    {
        public SessionGraph Graph { get; } = g;
        public int[]?[] Shapes { get; } = new int[g.Values.Length][];
        public DataType[] Types { get; } = new DataType[g.Values.Length];
        public TensorValue?[] Known { get; } = new TensorValue?[g.Values.Length];
        public ValueLocation[] Locations { get; } = new ValueLocation[g.Values.Length];
        /// <summary>
        /// Values produced by view nodes share the storage of their source (the alias root), and inputs of
        /// a concat written in place live inside its output. Only one step deep while planning (a root may
        /// itself be re-rooted later); <see cref="ResolveRoots"/> makes every entry final.
        /// </summary>
        public int[] Root { get; } = Enumerable.Range(0, g.Values.Length).ToArray();
        /// <summary>Byte offset of each value inside the storage of <see cref="Root"/> (0 for roots and views).</summary>
        public long[] RootOffset { get; } = new long[g.Values.Length];
        /// <summary>True for values whose bytes a static step of this plan writes (directly or as a slice of a concat written in place).</summary>
        public bool[] Computed { get; } = new bool[g.Values.Length];
        public List<byte[]> Folded { get; } = [];
        public List<int> Widened { get; } = [];
        public List<int> Steps { get; } = [];
        public List<long> StepScratch { get; } = [];
        public List<bool> StepDynamic { get; } = [];

        public void BindConstantsAndInputs(IReadOnlyList<int[]> inputShapes, IReadOnlyList<DataType>? inputTypes)
        {
            for (int id = 0; id < Graph.Values.Length; id++)
            {
                var slot = Graph.Values[id];
                if (slot.Kind != ValueKind.Constant)
                    continue;
                Shapes[id] = slot.Constant.Shape;
                Types[id] = slot.Constant.Type;
                Known[id] = slot.Constant;
                Locations[id] = new(LocationKind.Constant, 0);
            }
            for (int i = 0; i < Graph.Inputs.Length; i++)
            {
                int id = Graph.Inputs[i];
                var declared = inputTypes?[i] ?? Graph.Values[id].Def!.Type;
                Shapes[id] = inputShapes[i];
                Types[id] = SessionGraph.ComputeType(declared);
                if (Types[id] != declared)
                    Widened.Add(id);
                else
                    Locations[id] = new(LocationKind.Input, i);
            }
        }

        public unsafe void PlanNode(int ni, ShapeContext ctx, KernelSet kernels, List<string>? failures)
        {
            var node = Graph.Nodes[ni];
            // Downstream of a dynamic step (or an implicit input of one), shapes are only known at run time.
            bool upstreamDynamic = node.Inputs.Any(id => id >= 0 && Locations[Root[id]].Kind == LocationKind.Dynamic)
                || node.ImplicitInputs.Any(id => Locations[Root[id]].Kind == LocationKind.Dynamic);
            int missing = node.Inputs.FirstOrDefault(id => id >= 0 && Shapes[id] is null && Locations[Root[id]].Kind != LocationKind.Dynamic, -1);
            if (missing >= 0)
            {
                if (failures is not null)
                    return;
                throw new MoteShapeException($"{node.Op.Node.Describe()}: input '{Graph.Values[missing].Name}' is not computed before this node");
            }
            if (upstreamDynamic)
            {
                AddDynamic(ni, failures);
                return;
            }

            ctx.Reset(node.Inputs.Length, node.Outputs.Length);
            bool allKnown = true;
            for (int j = 0; j < node.Inputs.Length; j++)
            {
                int id = node.Inputs[j];
                if (id < 0)
                    continue;
                ctx.SetInput(j, Types[id], Shapes[id]!, Known[id]);
                allKnown &= Known[id].HasValue;
            }
            allKnown &= node.ImplicitInputs.All(id => Known[id].HasValue);
            try
            {
                // If, Loop and Scan: shapes known ahead, or a dynamic step (its subgraph never runs while planning).
                if (node.Op.ShapesKnownAfterRun && !InferShapesAhead(node, ctx))
                    throw new ValueNotKnownException("output shapes are known after the run");
                if (node.Op.ShapesKnownAfterRun)
                    allKnown = false;
                else
                    node.Op.InferShapes(ctx);
            }
            catch (ValueNotKnownException)
            {
                AddDynamic(ni, failures);
                return;
            }
            catch (MoteException e) when (e is MoteShapeException or MoteNotSupportedException)
            {
                var message = $"{node.Op.Node.Describe()}: {e.Message}";
                if (failures is null)
                    throw e is MoteNotSupportedException ? new MoteNotSupportedException(message) : new MoteShapeException(message);
                failures.Add(message);
                return;
            }
            long outElements = 0;
            for (int k = 0; k < node.Outputs.Length; k++)
            {
                int id = node.Outputs[k];
                if (id < 0)
                    continue;
                Shapes[id] = ctx.OutputShapes[k] ?? throw new MoteShapeException($"{node.Op.Node.Describe()}: output {k} was not inferred");
                Types[id] = ctx.OutputTypes[k];
                outElements += ShapeMath.Count(Shapes[id]);
            }

            if ((allKnown || node.Op.ReadsOnlyInputShapes) && node.Op.IsDeterministic && outElements <= FoldLimit)
            {
                Fold(node, ctx.ScratchBytes, kernels);
                return;
            }
            if (node.Op.IsView && node.Outputs[0] >= 0)
            {
                Root[node.Outputs[0]] = Root[node.Inputs[0]];
                RootOffset[node.Outputs[0]] = RootOffset[node.Inputs[0]];
                if (Known[node.Inputs[0]] is { } kv)
                    Known[node.Outputs[0]] = new TensorValue(Types[node.Outputs[0]], Shapes[node.Outputs[0]]!, kv.Data);
                return;
            }
            if (node.Op is ConcatOperator concat && TryAliasConcat(node, concat))
                return;
            Steps.Add(ni);
            StepScratch.Add(ctx.ScratchBytes);
            StepDynamic.Add(false);
            foreach (int id in node.Outputs)
                if (id >= 0)
                    Computed[id] = true;
        }

        /// <summary>Points every value straight at its final root, summing the offsets along the way.</summary>
        public void ResolveRoots()
        {
            for (int id = 0; id < Root.Length; id++)
            {
                int r = id;
                long offset = 0;
                while (Root[r] != r)
                {
                    offset += RootOffset[r];
                    r = Root[r];
                }
                Root[id] = r;
                RootOffset[id] = offset;
            }
        }

        // Output shapes of an If (Loop, Scan) known ahead from its implicit inputs' types and shapes, or false.
        private bool InferShapesAhead(NodeSlot node, ShapeContext ctx)
        {
            var outer = node.ImplicitInputs;
            if (outer.Any(id => Shapes[id] is null))
                return false;
            var types = new DataType[outer.Length];
            var shapes = new int[outer.Length][];
            for (int j = 0; j < outer.Length; j++)
                (types[j], shapes[j]) = (Types[outer[j]], Shapes[outer[j]]!);
            return node.Op.TryInferShapesAhead(ctx, types, shapes);
        }

        private void AddDynamic(int ni, List<string>? failures)
        {
            var node = Graph.Nodes[ni];
            foreach (int id in node.Outputs)
                if (id >= 0)
                    Locations[id] = new(LocationKind.Dynamic, 0);
            failures?.Add($"{node.Op.Node.Describe()}: output shapes depend on values known only at run time");
            Steps.Add(ni);
            StepScratch.Add(0);
            StepDynamic.Add(true);
        }

        private unsafe void Fold(NodeSlot node, long scratchBytes, KernelSet kernels)
        {
            var ins = new TensorValue[node.Inputs.Length];
            for (int j = 0; j < ins.Length; j++)
            {
                int id = node.Inputs[j];
                // A shape-only operator may see a run-time input: its shape is known, its data is not.
                if (id >= 0)
                    ins[j] = Known[id] ?? new TensorValue(Types[id], Shapes[id]!, null);
            }
            var outs = new TensorValue[node.Outputs.Length];
            for (int k = 0; k < outs.Length; k++)
            {
                int id = node.Outputs[k];
                if (id < 0)
                    continue;
                var buffer = GC.AllocateArray<byte>((int)Math.Max(1, ShapeMath.Count(Shapes[id]!) * Types[id].Size()), pinned: true);
                Folded.Add(buffer);
                outs[k] = new TensorValue(Types[id], Shapes[id]!, Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer)));
                Known[id] = outs[k];
                Locations[id] = new(LocationKind.Folded, Folded.Count - 1);
            }
            var scratch = GC.AllocateArray<byte>((int)scratchBytes + 64, pinned: true);
            Executor.RunNode(node, ins, outs, kernels, null, scratch);
        }
    }
}
