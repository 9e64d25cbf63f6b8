using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Mote.Format;

namespace Mote.Runtime;

/// <summary>Maps .NET element types to <see cref="DataType"/> and converts element data.</summary>
internal static class ElementTypes
{
    public static DataType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DataType.Float32;
        if (typeof(T) == typeof(Half)) return DataType.Float16;
        if (typeof(T) == typeof(double)) return DataType.Float64;
        if (typeof(T) == typeof(sbyte)) return DataType.Int8;
        if (typeof(T) == typeof(byte)) return DataType.UInt8;
        if (typeof(T) == typeof(short)) return DataType.Int16;
        if (typeof(T) == typeof(ushort)) return DataType.UInt16;
        if (typeof(T) == typeof(int)) return DataType.Int32;
        if (typeof(T) == typeof(uint)) return DataType.UInt32;
        if (typeof(T) == typeof(long)) return DataType.Int64;
        if (typeof(T) == typeof(ulong)) return DataType.UInt64;
        if (typeof(T) == typeof(bool)) return DataType.Bool;
        throw new NotSupportedException($"{typeof(T).Name} is not a tensor element type");
    }

    /// <summary>Widens any numeric element data to float.</summary>
    public static float[] ToSingle(DataType type, ReadOnlySpan<byte> bytes)
    {
        var r = new float[bytes.Length / type.Size()];
        switch (type)
        {
            case DataType.Float32: MemoryMarshal.Cast<byte, float>(bytes).CopyTo(r); break;
            case DataType.Float16: TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(bytes), r); break;
            case DataType.BFloat16: Graph.SessionGraph.Widen(type, bytes, r); break;
            case DataType.Float64: Convert(MemoryMarshal.Cast<byte, double>(bytes), r); break;
            case DataType.Int8: Convert(MemoryMarshal.Cast<byte, sbyte>(bytes), r); break;
            case DataType.UInt8: Convert(bytes, r); break;
            case DataType.Bool: Convert(bytes, r); break;
            case DataType.Int16: Convert(MemoryMarshal.Cast<byte, short>(bytes), r); break;
            case DataType.UInt16: Convert(MemoryMarshal.Cast<byte, ushort>(bytes), r); break;
            case DataType.Int32: Convert(MemoryMarshal.Cast<byte, int>(bytes), r); break;
            case DataType.UInt32: Convert(MemoryMarshal.Cast<byte, uint>(bytes), r); break;
            case DataType.Int64: Convert(MemoryMarshal.Cast<byte, long>(bytes), r); break;
            case DataType.UInt64: Convert(MemoryMarshal.Cast<byte, ulong>(bytes), r); break;
            default: throw new NotSupportedException($"cannot convert {type.ShortName()} to float");
        }
        return r;
    }

    private static void Convert<T>(ReadOnlySpan<T> src, Span<float> dst) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        for (int i = 0; i < src.Length; i++)
            dst[i] = float.CreateTruncating(src[i]);
    }
}
