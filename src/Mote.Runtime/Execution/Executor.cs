using Mote.Format;
using Mote.Kernels;
using Mote.Kernels.Threading;
using Mote.Runtime.Graph;
using Mote.Runtime.Operators;
using Mote.Runtime.Planning;

namespace Mote.Runtime.Execution;

/// <summary>Runs a plan: binds every value to its memory, widens 16-bit float inputs, executes the steps.</summary>
internal static class Executor
{
    /// <summary>
    /// Executes <paramref name="plan"/>; <paramref name="inputs"/> are the caller's tensors bound to
    /// the graph inputs in order (already validated and pinned).
    /// </summary>
    public static unsafe void Run(SessionGraph g, ExecutionPlan plan, ReadOnlySpan<TensorValue> inputs,
        RunContext ctx, KernelSet kernels, KernelThreadPool? pool, ProfileScope profile = default)
    {
        ctx.Reserve(g.Values.Length, g.MaxInputs, g.MaxOutputs, plan.ArenaBytes, plan.ScratchBytes);
        var values = ctx.Values;
        byte* arena = ctx.ArenaBase;
        for (int id = 0; id < g.Values.Length; id++)
        {
            if (plan.Roots[id] != id)
                continue;
            var loc = plan.Locations[id];
            values[id] = loc.Kind switch
            {
                LocationKind.Constant => g.Values[id].Constant,
                LocationKind.Input => inputs[(int)loc.Offset],
                LocationKind.Arena => new TensorValue(plan.Types[id], plan.Shapes[id]!, arena + loc.Offset),
                LocationKind.Folded => new TensorValue(plan.Types[id], plan.Shapes[id]!, PinnedPointer(plan.Folded[(int)loc.Offset])),
                _ => default,
            };
        }
        for (int id = 0; id < g.Values.Length; id++)
        {
            int r = plan.Roots[id];
            if (r != id)
                values[id] = new TensorValue(plan.Types[id], plan.Shapes[id]!, (byte*)values[r].Data + plan.RootOffsets[id]);
        }
        foreach (int id in plan.WidenedInputs)
        {
            int index = Array.IndexOf(g.Inputs, id);
            var src = inputs[index];
            var dst = values[id];
            if (src.Type == DataType.Float32)
                src.Span<float>().CopyTo(dst.Span<float>());
            else
                SessionGraph.Widen(src.Type, src.Bytes, dst.Span<float>());
        }

        for (int s = 0; s < plan.Steps.Length; s++)
        {
            var node = g.Nodes[plan.Steps[s]];
            long start = profile.IsOn ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            var ins = ctx.NodeInputs.AsSpan(0, node.Inputs.Length);
            var outs = ctx.NodeOutputs.AsSpan(0, node.Outputs.Length);
            for (int j = 0; j < ins.Length; j++)
                ins[j] = node.Inputs[j] >= 0 ? values[node.Inputs[j]] : default;
            var implicitInputs = ctx.ImplicitInputs(node.ImplicitInputs.Length);
            for (int j = 0; j < implicitInputs.Length; j++)
                implicitInputs[j] = values[node.ImplicitInputs[j]];
            if (plan.StepDynamic[s] && node.Op.ShapesKnownAfterRun)
            {
                var allocator = ctx.Allocator;
                allocator.Bind(ctx, node);
                try
                {
                    node.Op.ExecuteAllocating(new NodeContext(ins, default, kernels, pool, default, implicitInputs, profile.Inner), allocator);
                }
                catch (Exception e) when (Describe(node, e) is { } wrapped)
                {
                    throw wrapped;
                }
            }
            else
            {
                long scratch = plan.StepScratch[s];
                if (plan.StepDynamic[s])
                    scratch = InferAtRunTime(g, node, ins, ctx);
                for (int k = 0; k < outs.Length; k++)
                    outs[k] = node.Outputs[k] >= 0 ? values[node.Outputs[k]] : default;
                RunNode(node, ins, outs, kernels, pool, ctx.Scratch(scratch), implicitInputs, profile.Inner);
            }
            if (profile.IsOn)
                profile.Profile!.AddNode(node, profile.Depth, start, ins,
                    node.Outputs.Length > 0 && node.Outputs[0] >= 0 ? values[node.Outputs[0]].Shape : null);
            foreach (int id in plan.DynamicReleases[s])
                if (ctx.DynamicBuffers[id] is { } b)
                {
                    ctx.Pool.Return(b);
                    ctx.DynamicBuffers[id] = null;
                }
        }
        if (profile.IsOn && profile.Depth == 0)
            profile.Profile!.AddRun();
    }

    /// <summary>
    /// Shape inference for a dynamic step, now that every input value is known: binds each output
    /// to a pooled buffer of the inferred size and returns the scratch the node asked for.
    /// </summary>
    private static unsafe long InferAtRunTime(SessionGraph g, NodeSlot node, ReadOnlySpan<TensorValue> ins, RunContext ctx)
    {
        var shapes = ctx.Shapes ??= new ShapeContext(Math.Max(1, g.MaxInputs), Math.Max(1, g.MaxOutputs));
        shapes.Reset(node.Inputs.Length, node.Outputs.Length);
        for (int j = 0; j < ins.Length; j++)
            if (!ins[j].IsNone)
                shapes.SetInput(j, ins[j].Type, ins[j].Shape, ins[j]);
        try
        {
            node.Op.InferShapes(shapes);
        }
        catch (MoteException e) when (e is MoteShapeException or MoteNotSupportedException or ValueNotKnownException)
        {
            throw new MoteShapeException($"{node.Op.Node.Describe()}: {e.Message}");
        }
        for (int k = 0; k < node.Outputs.Length; k++)
        {
            int id = node.Outputs[k];
            if (id < 0)
                continue;
            var shape = shapes.OutputShapes[k] ?? throw new MoteShapeException($"{node.Op.Node.Describe()}: output {k} was not inferred");
            var type = shapes.OutputTypes[k];
            var buffer = ctx.Pool.Rent(ShapeMath.Count(shape) * type.Size());
            if (ctx.DynamicBuffers[id] is { } previous)
                ctx.Pool.Return(previous);
            ctx.DynamicBuffers[id] = buffer;
            ctx.Values[id] = new TensorValue(type, shape, BufferPool.Pointer(buffer));
        }
        return shapes.ScratchBytes;
    }

    /// <summary>Executes one node, turning an unexpected failure into an error that names the node.</summary>
    public static void RunNode(NodeSlot node, ReadOnlySpan<TensorValue> ins, ReadOnlySpan<TensorValue> outs,
        KernelSet kernels, KernelThreadPool? pool, Span<byte> scratch, ReadOnlySpan<TensorValue> implicitInputs = default, ProfileScope profile = default)
    {
        try
        {
            node.Op.Execute(new NodeContext(ins, outs, kernels, pool, scratch, implicitInputs, profile));
        }
        catch (Exception e) when (Describe(node, e) is { } wrapped)
        {
            throw wrapped;
        }
    }

    /// <summary>An error naming the node for a failure inside it; null to let it pass unchanged.</summary>
    private static Exception? Describe(NodeSlot node, Exception e) => e switch
    {
        // Already names the innermost node (a failure inside a subgraph keeps its own location).
        MoteExecutionException => null,
        // Stays "not supported" (a feature decided only at run time, e.g. Dropout's training_mode), naming the node.
        MoteNotSupportedException => new MoteNotSupportedException($"{node.Op.Node.Describe()}: {e.Message}"),
        MoteException => new MoteExecutionException($"{node.Op.Node.Describe()}: {e.Message}", e),
        ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException =>
            new MoteExecutionException($"{node.Op.Node.Describe()} failed: {e.Message}", e),
        _ => null,
    };

    private static unsafe void* PinnedPointer(byte[] pinned) =>
        System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(pinned));
}
