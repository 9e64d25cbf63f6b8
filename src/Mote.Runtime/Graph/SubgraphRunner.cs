using System.Collections.Concurrent;
using Mote.Format;
using Mote.Kernels.Threading;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators;
using Mote.Runtime.Planning;

namespace Mote.Runtime.Graph;

/// <summary>
/// Runs one subgraph (an If branch, a Loop or Scan body) the way a session runs the main graph:
/// plans cached per input shapes, a pool of run contexts so concurrent runs of the owning session
/// never share memory. Inputs are the formal inputs followed by <see cref="ImplicitInputNames"/>.
/// </summary>
internal sealed class SubgraphRunner : IDisposable
{
    private readonly SessionGraph _graph;
    private readonly BuildContext _build;
    private readonly PlanCache _plans = new(8);
    private readonly ConcurrentBag<RunContext> _contexts = [];

    public SubgraphRunner(BuildContext build, GraphDef graph)
    {
        _build = build;
        _graph = SessionGraph.Build(build.Model, graph, build.Graph.Root, build.Kernels, build.Options);
        FormalInputCount = graph.Inputs.Count;
        Outputs = graph.Outputs.Select(n => build.Model.Tensors.GetValueOrDefault(n)).ToArray();
    }

    public int FormalInputCount { get; }

    /// <summary>Enclosing-graph values the subgraph reads, in input order after the formal inputs.</summary>
    public string[] ImplicitInputNames => _graph.ImplicitInputNames;

    /// <summary>Declarations of the outputs (null where the model has none).</summary>
    public TensorDef?[] Outputs { get; }

    /// <summary>Runs the subgraph; the outputs stay valid until the result is disposed.</summary>
    public Result Run(ReadOnlySpan<TensorValue> inputs, KernelThreadPool? pool, ProfileScope profile = default)
    {
        var ctx = _contexts.TryTake(out var c) ? c : new RunContext();
        // A loop body or a branch run again with the inputs' shapes and types of its context's last run reuses
        // that plan without building a cache key: Loop and Scan bodies run once per iteration.
        var plan = ctx.LastPlan is { } last && SameAsLast(ctx, inputs) ? last : null;
        if (plan is null)
        {
            var shapes = new int[inputs.Length][];
            var types = new DataType[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                shapes[i] = (int[])inputs[i].Shape.Clone();
                types[i] = inputs[i].Type;
            }
            plan = _plans.GetOrAdd(shapes, s => Planner.Plan(_graph, s, _build.Kernels, null, types));
            ctx.LastPlan = plan;
            ctx.LastPlanShapes = shapes;
            ctx.LastPlanTypes = types;
        }
        try
        {
            Executor.Run(_graph, plan, inputs, ctx, _build.Kernels, pool, profile);
        }
        catch
        {
            ctx.ReleaseDynamic();
            _contexts.Add(ctx);
            throw;
        }
        return new Result(this, ctx);
    }

    /// <summary>What planning a subgraph ahead for given input shapes tells (<see cref="PlanAhead"/>).</summary>
    public enum AheadKind
    {
        /// <summary>Every output's type and shape is known.</summary>
        Static,
        /// <summary>Some output's shape is only known at run time.</summary>
        Dynamic,
        /// <summary>The subgraph cannot run on inputs of these shapes (running it would fail the same way).</summary>
        Invalid,
    }

    /// <summary>
    /// Plans the subgraph for implicit inputs of these types and shapes (given in <paramref name="outerNames"/> order; no
    /// formal inputs) and reads its outputs' types and shapes from the plan (set when <see cref="AheadKind.Static"/>).
    /// </summary>
    public AheadKind PlanAhead(IReadOnlyList<string> outerNames, ReadOnlySpan<DataType> outerTypes, ReadOnlySpan<int[]> outerShapes,
        out (DataType Type, int[] Shape)[] outputs)
    {
        outputs = [];
        var names = ImplicitInputNames;
        if (FormalInputCount != 0)
            return AheadKind.Dynamic;
        var shapes = new int[names.Length][];
        var types = new DataType[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            int j = IndexOf(outerNames, names[i]);
            if (j < 0)
                return AheadKind.Dynamic;
            (types[i], shapes[i]) = (outerTypes[j], outerShapes[j]);
        }
        ExecutionPlan plan;
        try
        {
            plan = _plans.GetOrAdd(shapes, s => Planner.Plan(_graph, s, _build.Kernels, null, types));
        }
        catch (MoteException e) when (e is MoteShapeException or MoteNotSupportedException)
        {
            return AheadKind.Invalid;
        }
        var result = new (DataType, int[])[_graph.Outputs.Length];
        for (int k = 0; k < result.Length; k++)
        {
            int id = _graph.Outputs[k];
            if (plan.Shapes[id] is not { } shape || plan.Locations[plan.Roots[id]].Kind == LocationKind.Dynamic)
                return AheadKind.Dynamic;
            result[k] = (plan.Types[id], shape);
        }
        outputs = result;
        return AheadKind.Static;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name)
                return i;
        return -1;
    }

    private static bool SameAsLast(RunContext ctx, ReadOnlySpan<TensorValue> inputs)
    {
        var shapes = ctx.LastPlanShapes!;
        var types = ctx.LastPlanTypes!;
        if (shapes.Length != inputs.Length)
            return false;
        for (int i = 0; i < inputs.Length; i++)
            if (types[i] != inputs[i].Type || !inputs[i].Shape.AsSpan().SequenceEqual(shapes[i]))
                return false;
        return true;
    }

    public void Dispose() => _graph.Dispose();

    /// <summary>The outputs of one subgraph run; disposing returns the working memory (once).</summary>
    public readonly struct Result(SubgraphRunner owner, RunContext ctx) : IDisposable
    {
        public int Count => owner._graph.Outputs.Length;

        public TensorValue Output(int i) => ctx.Values[owner._graph.Outputs[i]];

        public void Dispose()
        {
            ctx.ReleaseDynamic();
            owner._contexts.Add(ctx);
        }
    }
}
