using System.Diagnostics;
using System.Runtime.CompilerServices;
using Mote.Format;

namespace Mote.Runtime.Execution;

/// <summary>
/// A tensor as an operator sees it while a plan executes: element type, concrete shape and a raw
/// pointer into the arena, a constant, a caller's pinned input or a plan-time value. Valid only
/// during the node's execution.
/// </summary>
internal readonly unsafe struct TensorValue
{
    public TensorValue(DataType type, int[] shape, void* data)
    {
        Type = type;
        Shape = shape;
        Data = data;
    }

    /// <summary>Element type (never Float16/BFloat16 inside the graph: those compute as Float32).</summary>
    public DataType Type { get; }

    /// <summary>Concrete dimensions.</summary>
    public int[] Shape { get; }

    /// <summary>First element.</summary>
    public void* Data { get; }

    /// <summary>True for an omitted optional input or output.</summary>
    public bool IsNone => Shape is null;

    public int Rank => Shape.Length;

    public long Count => ShapeMath.Count(Shape);

    public int Dim(int axis) => Shape[axis];

    /// <summary>The elements as a span of <typeparamref name="T"/>; the caller has checked <see cref="Type"/>.</summary>
    public Span<T> Span<T>() where T : unmanaged
    {
        Debug.Assert(Unsafe.SizeOf<T>() == Type.Size(), $"{typeof(T).Name} read from a {Type.ShortName()} tensor");
        return new Span<T>(Data, checked((int)Count));
    }

    public Span<byte> Bytes => new(Data, checked((int)(Count * Type.Size())));

    public override string ToString() => IsNone ? "<none>" : $"{Type.ShortName()}[{string.Join(",", Shape)}]";
}
