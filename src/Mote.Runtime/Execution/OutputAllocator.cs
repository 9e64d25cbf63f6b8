using Mote.Format;
using Mote.Runtime.Graph;

namespace Mote.Runtime.Execution;

/// <summary>Creates the outputs of a node whose shapes are known only once it has run (If, Loop, Scan), from the run's buffer pool.</summary>
internal sealed class OutputAllocator
{
    private RunContext _ctx = null!;
    private NodeSlot _node = null!;

    internal void Bind(RunContext ctx, NodeSlot node)
    {
        _ctx = ctx;
        _node = node;
    }

    /// <summary>True when output <paramref name="k"/> is consumed (not an omitted optional).</summary>
    public bool IsWanted(int k) => k < _node.Outputs.Length && _node.Outputs[k] >= 0;

    /// <summary>A fresh output <paramref name="k"/> of the given type and shape; contents undefined.</summary>
    /// <summary>Like <see cref="Allocate"/>, with the shape copied into an array the run context reuses.</summary>
    public TensorValue AllocateLike(int k, DataType type, ReadOnlySpan<int> shape)
    {
        int id = _node.Outputs[k];
        return Allocate(k, type, id < 0 ? shape.ToArray() : _ctx.DynamicShape(id, shape));
    }

    public unsafe TensorValue Allocate(int k, DataType type, int[] shape)
    {
        int id = _node.Outputs[k];
        if (id < 0)
            throw new InvalidOperationException($"output {k} is not wanted");
        var buffer = _ctx.Pool.Rent(ShapeMath.Count(shape) * type.Size());
        if (_ctx.DynamicBuffers[id] is { } previous)
            _ctx.Pool.Return(previous);
        _ctx.DynamicBuffers[id] = buffer;
        return _ctx.Values[id] = new TensorValue(type, shape, BufferPool.Pointer(buffer));
    }
}
