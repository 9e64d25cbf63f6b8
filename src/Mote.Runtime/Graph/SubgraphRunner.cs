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
