using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.ControlFlow;

/// <summary>A tensor in its own pinned buffer: loop-carried state and per-iteration scan slices outlive a subgraph run.</summary>
internal sealed class OwnedTensor
{
    private readonly byte[] _data;

    public OwnedTensor(DataType type, int[] shape)
    {
        _data = GC.AllocateUninitializedArray<byte>((int)Math.Max(1, ShapeMath.Count(shape) * type.Size()), pinned: true);
        unsafe
        {
            Value = new TensorValue(type, shape, Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_data)));
        }
    }

    public TensorValue Value { get; }

    public static OwnedTensor CopyOf(TensorValue v)
    {
        var t = new OwnedTensor(v.Type, (int[])v.Shape.Clone());
        v.Bytes.CopyTo(t.Value.Bytes);
        return t;
    }

    public static OwnedTensor Scalar<T>(DataType type, T value) where T : unmanaged
    {
        var t = new OwnedTensor(type, []);
        t.Value.Span<T>()[0] = value;
        return t;
    }
}
