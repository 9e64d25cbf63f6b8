using Mote.Format;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mote.Runtime.Execution;

/// <summary>
/// Per-run working memory: the arena, scratch, and bound value table. A session keeps a pool of
/// these so that concurrent runs never share one; each grows to the largest plan it has run.
/// </summary>
internal sealed class RunContext
{
    private byte[] _arena = [];
    private byte[] _scratch = [];

    public TensorValue[] Values { get; private set; } = [];

    private RunInputs? _inputs;

    /// <summary>The reused input slots for a model with <paramref name="count"/> inputs.</summary>
    public RunInputs Inputs(int count) => _inputs is { } i && i.Bound.Length == count ? i : _inputs = new RunInputs(count);

    /// <summary>The plan of this context's previous run and the input shapes it was made for: a run with the same shapes skips the plan cache.</summary>
    public Planning.ExecutionPlan? LastPlan { get; set; }

    /// <summary>See <see cref="LastPlan"/>.</summary>
    public int[][]? LastPlanShapes { get; set; }

    /// <summary>Input types of <see cref="LastPlan"/> (subgraph runs, whose plans depend on them).</summary>
    public DataType[]? LastPlanTypes { get; set; }

    private int[]?[] _dynamicShapes = [];

    /// <summary>A shape array for dynamic value <paramref name="id"/> holding <paramref name="shape"/>, reused while its rank stays.</summary>
    public int[] DynamicShape(int id, ReadOnlySpan<int> shape)
    {
        if (_dynamicShapes.Length <= id)
            Array.Resize(ref _dynamicShapes, Math.Max(id + 1, Values.Length));
        var a = _dynamicShapes[id];
        if (a is null || a.Length != shape.Length)
            _dynamicShapes[id] = a = new int[shape.Length];
        shape.CopyTo(a);
        return a;
    }

    public TensorValue[] NodeInputs { get; private set; } = [];

    public TensorValue[] NodeOutputs { get; private set; } = [];

    /// <summary>Buffers of values produced by dynamic steps, by value id (null when none is held).</summary>
    public byte[]?[] DynamicBuffers { get; private set; } = [];

    public BufferPool Pool { get; } = new();

    public OutputAllocator Allocator { get; } = new();

    private TensorValue[] _implicit = [];

    /// <summary>A reusable array for a node's implicit inputs.</summary>
    public Span<TensorValue> ImplicitInputs(int count)
    {
        if (_implicit.Length < count)
            _implicit = new TensorValue[count];
        return _implicit.AsSpan(0, count);
    }

    /// <summary>Shape inference at run time, for dynamic steps.</summary>
    public Operators.ShapeContext? Shapes { get; set; }

    /// <summary>Makes sure buffers can hold a plan with these sizes.</summary>
    public void Reserve(int values, int maxInputs, int maxOutputs, long arenaBytes, long scratchBytes)
    {
        if (Values.Length < values)
        {
            Values = new TensorValue[values];
            DynamicBuffers = new byte[values][];
        }
        if (NodeInputs.Length < maxInputs)
            NodeInputs = new TensorValue[maxInputs];
        if (NodeOutputs.Length < maxOutputs)
            NodeOutputs = new TensorValue[maxOutputs];
        // Over-allocate by the alignment so the base can be rounded up to a 64-byte boundary.
        if (_arena.Length < arenaBytes + 64)
            _arena = GC.AllocateUninitializedArray<byte>(checked((int)(arenaBytes + 64)), pinned: true);
        if (_scratch.Length < scratchBytes + 64)
            _scratch = GC.AllocateUninitializedArray<byte>(checked((int)(scratchBytes + 64)), pinned: true);
    }

    /// <summary>64-byte aligned start of the arena (the array is pinned, so the address is stable).</summary>
    public unsafe byte* ArenaBase => Align(_arena);

    public unsafe Span<byte> Scratch(long bytes)
    {
        // Dynamic steps learn their scratch needs only while running.
        if (_scratch.Length < bytes + 64)
            _scratch = GC.AllocateUninitializedArray<byte>(checked((int)(bytes + 64)), pinned: true);
        return new(Align(_scratch), checked((int)bytes));
    }

    /// <summary>Returns every dynamic value's buffer to the pool (after the outputs were copied).</summary>
    public void ReleaseDynamic()
    {
        for (int i = 0; i < DynamicBuffers.Length; i++)
            if (DynamicBuffers[i] is { } b)
            {
                Pool.Return(b);
                DynamicBuffers[i] = null;
            }
    }

    private static unsafe byte* Align(byte[] a)
    {
        var p = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(a));
        return (byte*)(((nint)p + 63) & ~(nint)63);
    }
}
