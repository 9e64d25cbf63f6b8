using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Kernels;
using Mote.Kernels.Threading;
using Mote.Runtime.Execution;
using Mote.Runtime.Graph;
using Mote.Runtime.Planning;

namespace Mote.Runtime;

/// <summary>
/// A model prepared to run: operators created, weights packed, kernels chosen for this CPU.
/// <see cref="Run(IEnumerable{NamedTensor})"/> may be called from several threads at once; each run
/// gets its own working memory, and execution plans are cached per distinct set of input shapes.
/// </summary>
public sealed class InferenceSession : IDisposable
{
    private readonly SessionGraph _graph;
    private readonly KernelThreadPool? _pool;
    private readonly PlanCache _plans;
    private readonly ConcurrentBag<RunContext> _contexts = [];
    private volatile bool _disposed;
    private int _poolBusy;

    private readonly Action? _onDispose;

    internal InferenceSession(ModelDef model, SessionOptions options, Action? onDispose = null)
    {
        options.Validate();
        _onDispose = onDispose;
        Options = options;
        Features = options.Features ?? CpuFeatures.Detect();
        Kernels = KernelSet.Create(Features);
        _graph = SessionGraph.Build(model, Kernels, options);
        _pool = options.Threads > 1 ? new KernelThreadPool(options.Threads) : null;
        _plans = new PlanCache(options.MaxCachedPlans);
        Profile = options.EnableProfiling ? new SessionProfile() : null;
        Inputs = _graph.Inputs.Select(id => new TensorInfo(_graph.Values[id].Def!)).ToArray();
        Outputs = _graph.Outputs.Select(id => new TensorInfo(_graph.Values[id].Def
            ?? new TensorDef(_graph.Values[id].Name, DataType.Undefined, null))).ToArray();
    }

    /// <summary>The options this session was created with.</summary>
    public SessionOptions Options { get; }

    /// <summary>The instruction-set features the kernel table was built for.</summary>
    public CpuFeatures Features { get; }

    /// <summary>The inputs a run needs.</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>The outputs a run returns, in order.</summary>
    public IReadOnlyList<TensorInfo> Outputs { get; }

    internal KernelSet Kernels { get; }

    /// <summary>Per-node timings when the session was created with <see cref="SessionOptions.EnableProfiling"/>; else null.</summary>
    public SessionProfile? Profile { get; }

    /// <summary>Runs the model on named inputs.</summary>
    /// <exception cref="MoteInputException">An input is unknown, missing, duplicated, or has the wrong type or shape.</exception>
    /// <exception cref="MoteShapeException">The graph cannot be evaluated for these input shapes.</exception>
    /// <exception cref="MoteExecutionException">An operator failed; the message names the node.</exception>
    public SessionOutputs Run(params NamedTensor[] inputs) => Run((IEnumerable<NamedTensor>)inputs);

    /// <inheritdoc cref="Run(NamedTensor[])"/>
    public SessionOutputs Run(IReadOnlyDictionary<string, Tensor> inputs) =>
        Run(inputs.Select(kv => new NamedTensor(kv.Key, kv.Value)));

    /// <inheritdoc cref="Run(NamedTensor[])"/>
    public SessionOutputs Run(IEnumerable<NamedTensor> inputs) => RunCore(inputs, null)!;

    /// <summary>
    /// Runs the model and writes each output into the caller's tensor of the same name, allocating nothing for
    /// the results: the way to run a model many times (video frames, audio chunks) without garbage. Every
    /// output must be given, with the type and shape this run produces (see <see cref="Outputs"/>; a first
    /// <see cref="Run(IEnumerable{NamedTensor})"/> shows shapes that depend on the inputs).
    /// </summary>
    /// <exception cref="MoteInputException">An input is wrong, or an output is missing, unknown, or has the wrong type or shape.</exception>
    /// <exception cref="MoteShapeException">The graph cannot be evaluated for these input shapes.</exception>
    /// <exception cref="MoteExecutionException">An operator failed; the message names the node.</exception>
    public void RunInto(IEnumerable<NamedTensor> inputs, IReadOnlyList<NamedTensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        RunCore(inputs, outputs);
    }

    private SessionOutputs? RunCore(IEnumerable<NamedTensor> inputs, IReadOnlyList<NamedTensor>? into)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Everything a run needs lives in its context and is reused: a steady loop of RunInto allocates nothing.
        var ctx = _contexts.TryTake(out var c) ? c : new RunContext();
        var io = ctx.Inputs(Inputs.Count);
        int pinned = 0;
        try
        {
            InputBinder.Bind(Inputs, inputs, io.Bound);
            var plan = ctx.LastPlan is { } last && io.ShapesMatch(ctx.LastPlanShapes!) ? last : null;
            if (plan is null)
            {
                var shapes = io.CopyShapes(); // the cache key and this context's memo share it: neither mutates it
                plan = GetPlan(shapes);
                ctx.LastPlan = plan;
                ctx.LastPlanShapes = shapes;
            }
            var values = io.Values;
            for (; pinned < io.Bound.Length; pinned++)
            {
                var t = io.Bound[pinned]!;
                io.Handles[pinned] = t.Memory.Pin();
                unsafe
                {
                    values[pinned] = new TensorValue(t.Type, io.Shape(pinned), io.Handles[pinned].Pointer);
                }
            }
            // One run at a time drives the thread pool; a concurrent run proceeds on its own thread.
            var pool = _pool is not null && Interlocked.CompareExchange(ref _poolBusy, 1, 0) == 0 ? _pool : null;
            try
            {
                Executor.Run(_graph, plan, values, ctx, Kernels, pool, new ProfileScope(Profile, 0));
            }
            finally
            {
                if (pool is not null)
                    Volatile.Write(ref _poolBusy, 0);
            }
            if (into is null)
                return CollectOutputs(ctx);
            CopyOutputs(ctx, into);
            return null;
        }
        finally
        {
            ctx.ReleaseDynamic();
            for (int i = 0; i < pinned; i++)
                io.Handles[i].Dispose();
            Array.Clear(io.Bound);
            _contexts.Add(ctx);
        }
    }

    /// <summary>Plans memory for the given input shapes (cached like a run's plan) and reports the sizes.</summary>
    /// <exception cref="MoteInputException">A shape is missing or does not fit the model.</exception>
    /// <exception cref="MoteShapeException">The graph cannot be evaluated for these shapes.</exception>
    public PlanSummary PlanFor(IReadOnlyDictionary<string, int[]> inputShapes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var shapes = Inputs.Select(i => inputShapes.TryGetValue(i.Name, out var s) ? s
            : throw new MoteInputException($"no shape given for input {i}")).ToArray();
        var plan = GetPlan(shapes);
        return new PlanSummary(inputShapes, plan.ArenaBytes, plan.ScratchBytes, plan.Steps.Length, _graph.Nodes.Length - plan.Steps.Length);
    }

    /// <summary>The plan for these input shapes (cached).</summary>
    internal ExecutionPlan GetPlan(int[][] inputShapes) =>
        _plans.GetOrAdd(inputShapes, shapes => Planner.Plan(_graph, shapes, Kernels));

    internal int CachedPlanCount => _plans.Count;

    /// <summary>How many execution plans (one per distinct set of input shapes) the session holds.</summary>
    public int PlanCount => _plans.Count;

    internal SessionGraph Graph => _graph;

    /// <summary>An uncached plan that skips nodes whose shapes cannot be inferred, recording why (for the converter's shape inference).</summary>
    internal ExecutionPlan PlanTolerant(int[][] inputShapes, List<string> failures) => Planner.Plan(_graph, inputShapes, Kernels, failures);

    private SessionOutputs CollectOutputs(RunContext ctx)
    {
        var result = new NamedTensor[_graph.Outputs.Length];
        for (int i = 0; i < result.Length; i++)
        {
            var v = ctx.Values[_graph.Outputs[i]];
            // Every byte is written by the copy (or narrowing conversion).
            var tensor = Tensor.Uninitialized(OutputType(i, v), v.Shape);
            CopyOutput(i, v, tensor);
            result[i] = new NamedTensor(Outputs[i].Name, tensor);
        }
        return new SessionOutputs(result);
    }

    private void CopyOutputs(RunContext ctx, IReadOnlyList<NamedTensor> into)
    {
        for (int i = 0; i < _graph.Outputs.Length; i++)
        {
            var v = ctx.Values[_graph.Outputs[i]];
            string name = Outputs[i].Name;
            Tensor? target = null;
            for (int j = 0; j < into.Count && target is null; j++)
                if (into[j].Name == name)
                    target = into[j].Value;
            if (target is null)
                throw new MoteInputException($"no tensor given for output '{name}'");
            var type = OutputType(i, v);
            if (target.Type != type || !target.Shape.SequenceEqual(v.Shape))
                throw new MoteInputException($"output '{name}' is {type.ShortName()}{ShapeMath.Format(v.Shape)}, the tensor given is {target.Type.ShortName()}{ShapeMath.Format(target.Shape.ToArray())}");
            CopyOutput(i, v, target);
        }
    }

    // The declared type (16-bit floats are computed in f32 and narrowed on the way out), else the computed one.
    private DataType OutputType(int i, TensorValue v) => Outputs[i].Type == DataType.Undefined ? v.Type : Outputs[i].Type;

    private void CopyOutput(int i, TensorValue v, Tensor tensor)
    {
        var declared = Outputs[i].Type;
        var dst = tensor.Memory.Span;
        if (declared == DataType.Float16 && v.Type == DataType.Float32)
            TensorPrimitives.ConvertToHalf(v.Span<float>(), MemoryMarshal.Cast<byte, Half>(dst));
        else if (declared == DataType.BFloat16 && v.Type == DataType.Float32)
            BFloat16Narrow(v.Span<float>(), MemoryMarshal.Cast<byte, ushort>(dst));
        else
            v.Bytes.CopyTo(dst);
    }

    private static void BFloat16Narrow(ReadOnlySpan<float> src, Span<ushort> dst)
    {
        var bits = MemoryMarshal.Cast<float, uint>(src);
        for (int i = 0; i < src.Length; i++)
        {
            uint b = bits[i];
            // Round to nearest even; NaN stays NaN by keeping a mantissa bit.
            dst[i] = float.IsNaN(src[i]) ? (ushort)((b >> 16) | 0x40) : (ushort)((b + 0x7FFF + ((b >> 16) & 1)) >> 16);
        }
    }

    /// <summary>Releases the thread pool and pinned weights. Runs in progress must have finished.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _pool?.Dispose();
        _graph.Dispose();
        _onDispose?.Invoke();
    }
}
