using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Kernels.Data;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// Byte-level helpers for operators that move elements without looking at their values: they
/// work for every element type by its size (1, 2, 4 or 8 bytes).
/// </summary>
internal static class ElementCopy
{
    /// <summary>Largest rank for which views are described with stack-allocated strides.</summary>
    public const int StackRank = 32;

    /// <summary>
    /// Copies the view of <paramref name="src"/> with the given element offset and strides, of
    /// <paramref name="shape"/>, into the whole of <paramref name="dst"/> (contiguous, same element type).
    /// </summary>
    public static void View(TensorValue src, long srcOffset, ReadOnlySpan<long> srcStrides, TensorValue dst, ReadOnlySpan<int> shape)
    {
        Span<long> dstStrides = shape.Length <= StackRank ? stackalloc long[shape.Length] : new long[shape.Length];
        StridedCopy.ContiguousStrides(shape, dstStrides);
        StridedCopy.Copy(src.Bytes, srcOffset, srcStrides, dst.Bytes, 0, dstStrides, shape, src.Type.Size());
    }

    /// <summary>Fills <paramref name="dst"/> with copies of the one element <paramref name="element"/>.</summary>
    public static void Fill(Span<byte> dst, ReadOnlySpan<byte> element)
    {
        switch (element.Length)
        {
            case 1: dst.Fill(element[0]); break;
            case 2: MemoryMarshal.Cast<byte, ushort>(dst).Fill(MemoryMarshal.Read<ushort>(element)); break;
            case 4: MemoryMarshal.Cast<byte, uint>(dst).Fill(MemoryMarshal.Read<uint>(element)); break;
            case 8: MemoryMarshal.Cast<byte, ulong>(dst).Fill(MemoryMarshal.Read<ulong>(element)); break;
            default: throw new MoteNotSupportedException($"element size {element.Length} is not supported");
        }
    }

    /// <summary>Element strides of a contiguous tensor (rank-sized span supplied by the caller).</summary>
    public static void Strides(ReadOnlySpan<int> shape, Span<long> strides) => StridedCopy.ContiguousStrides(shape, strides);
}
