using System.Buffers;
using System.Runtime.InteropServices;
using Mote.Format;

namespace Mote.Runtime;

/// <summary>
/// A dense tensor: element type, shape and C-order (row-major) data. Wraps the caller's memory
/// without copying (<see cref="FromArray{T}(T[], int[])"/>), or owns a fresh array.
/// </summary>
public sealed class Tensor
{
    private readonly int[] _shape;

    private Tensor(DataType type, int[] shape, Memory<byte> bytes)
    {
        Type = type;
        _shape = shape;
        Memory = bytes;
    }

    /// <summary>Element type.</summary>
    public DataType Type { get; }

    /// <summary>Dimensions, outermost first. A scalar has rank 0.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements (the product of the dimensions).</summary>
    public long ElementCount => ShapeMath.Count(_shape);

    /// <summary>The raw little-endian element bytes.</summary>
    public Memory<byte> Memory { get; }

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of the given shape.</summary>
    /// <exception cref="ArgumentException">The shape does not match the data length or has a negative dimension.</exception>
    public static Tensor FromArray<T>(T[] data, params int[] shape) where T : unmanaged =>
        FromMemory<T>(data, shape);

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of the given shape.</summary>
    /// <exception cref="ArgumentException">The shape does not match the data length or has a negative dimension.</exception>
    public static Tensor FromMemory<T>(Memory<T> data, params int[] shape) where T : unmanaged
    {
        var type = ElementTypes.Of<T>();
        Validate(shape, data.Length);
        return new Tensor(type, (int[])shape.Clone(), new ByteMemoryManager<T>(data).Memory);
    }

    /// <summary>A tensor over raw little-endian bytes of element type <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">The byte length does not match the shape.</exception>
    public static Tensor FromBytes(DataType type, Memory<byte> bytes, params int[] shape)
    {
        if (!DataTypeInfo.IsValid(type))
            throw new ArgumentException($"unknown data type {type}", nameof(type));
        long count = Validate(shape, -1);
        if (bytes.Length != count * type.Size())
            throw new ArgumentException($"shape {ShapeMath.Format(shape)} of {type.ShortName()} needs {count * type.Size()} bytes, got {bytes.Length}", nameof(bytes));
        return new Tensor(type, (int[])shape.Clone(), bytes);
    }

    /// <summary>A tensor whose contents the caller overwrites entirely (session outputs): no zeroing pass.</summary>
    internal static Tensor Uninitialized(DataType type, int[] shape)
    {
        long count = Validate(shape, -1);
        return new Tensor(type, (int[])shape.Clone(), GC.AllocateUninitializedArray<byte>(checked((int)(count * type.Size()))));
    }

    /// <summary>A zero-filled tensor.</summary>
    public static Tensor Zeros(DataType type, params int[] shape)
    {
        long count = Validate(shape, -1);
        if (!DataTypeInfo.IsValid(type))
            throw new ArgumentException($"unknown data type {type}", nameof(type));
        return new Tensor(type, (int[])shape.Clone(), new byte[checked(count * type.Size())]);
    }

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar<T>(T value) where T : unmanaged => FromArray(new[] { value });

    /// <summary>The elements as <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match <see cref="Type"/>.</exception>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        var want = ElementTypes.Of<T>();
        // bfloat16 has no .NET type: it is read as raw ushort.
        if (want != Type && !(Type == DataType.BFloat16 && want == DataType.UInt16))
            throw new InvalidOperationException($"tensor holds {Type.ShortName()}, not {want.ShortName()}");
        return MemoryMarshal.Cast<byte, T>(Memory.Span);
    }

    /// <summary>A copy of the elements.</summary>
    public T[] ToArray<T>() where T : unmanaged => AsSpan<T>().ToArray();

    /// <summary>Elements widened to float (f32, f16, bf16, f64 and integer types).</summary>
    public float[] ToSingleArray() => ElementTypes.ToSingle(Type, Memory.Span);

    /// <inheritdoc/>
    public override string ToString() => $"{Type.ShortName()}{ShapeMath.Format(_shape)}";

    private static long Validate(int[] shape, long length)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0)
                throw new ArgumentException($"shape {ShapeMath.Format(shape)} has a negative dimension", nameof(shape));
            count = checked(count * d);
        }
        if (length >= 0 && count != length)
            throw new ArgumentException($"shape {ShapeMath.Format(shape)} holds {count} elements but the data has {length}", nameof(shape));
        return count;
    }

    /// <summary>Views a <see cref="Memory{T}"/> as bytes without copying.</summary>
    /// <remarks>
    /// Pinning pins the inner memory once and counts: a session pins its inputs on every run, and a pin that
    /// allocated (a handle-holding object per pin) would make every run leave garbage.
    /// </remarks>
    private sealed class ByteMemoryManager<T>(Memory<T> inner) : MemoryManager<byte> where T : unmanaged
    {
        private readonly Lock _gate = new();
        private MemoryHandle _handle;
        private int _pins;

        public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(inner.Span);

        public override MemoryHandle Pin(int elementIndex = 0)
        {
            lock (_gate)
            {
                if (_pins++ == 0)
                    _handle = inner.Pin();
                unsafe
                {
                    return new MemoryHandle((byte*)_handle.Pointer + elementIndex, default, this);
                }
            }
        }

        public override void Unpin()
        {
            lock (_gate)
            {
                if (--_pins == 0)
                    _handle.Dispose();
            }
        }

        protected override void Dispose(bool disposing) { }
    }
}

/// <summary>A tensor with the name of the model input or output it belongs to.</summary>
/// <param name="Name">Input or output name.</param>
/// <param name="Value">The tensor.</param>
public sealed record NamedTensor(string Name, Tensor Value);
