using System.Buffers.Binary;
using Mote.Format;

namespace Mote.Convert;

/// <summary>Reads and writes the little-endian data of constant tensors as numbers, for rewrites and passes.</summary>
internal static class TensorData
{
    /// <summary>A constant of <paramref name="type"/> with <paramref name="values"/> converted to that type.</summary>
    public static TensorDef Create(string name, DataType type, long[] shape, double[] values)
    {
        var data = new byte[values.Length * type.Size()];
        for (int i = 0; i < values.Length; i++)
            Write(data, type, i, values[i]);
        return new TensorDef(name, type, shape.Select(Dim.Fixed).ToArray(), data);
    }

    /// <summary>An int64 constant (exact for the full int64 range, unlike going through double).</summary>
    public static TensorDef FromInt64s(string name, long[] shape, long[] values)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8 * i), values[i]);
        return new TensorDef(name, DataType.Int64, shape.Select(Dim.Fixed).ToArray(), data);
    }

    /// <summary>True when <paramref name="type"/> can be read with <see cref="ToDoubles"/>.</summary>
    public static bool IsNumeric(DataType type) => type is not (DataType.Undefined or DataType.UInt64) && DataTypeInfo.IsValid(type);

    /// <summary>Every element of a constant as double.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not a constant of a numeric type.</exception>
    public static double[] ToDoubles(TensorDef t)
    {
        if (t.Data is not { } mem || !IsNumeric(t.Type))
            throw new InvalidOperationException($"tensor '{t.Name}' is not a numeric constant");
        var span = mem.Span;
        int size = t.Type.Size();
        var result = new double[span.Length / size];
        for (int i = 0; i < result.Length; i++)
            result[i] = Read(span, t.Type, i);
        return result;
    }

    /// <summary>Element <paramref name="i"/> of little-endian data of <paramref name="type"/>.</summary>
    public static double Read(ReadOnlySpan<byte> data, DataType type, int i) => type switch
    {
        DataType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]),
        DataType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(data[(8 * i)..]),
        DataType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(data[(2 * i)..]),
        DataType.BFloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]) << 16),
        DataType.Int8 => (sbyte)data[i],
        DataType.UInt8 or DataType.Bool => data[i],
        DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]),
        DataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]),
        DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(data[(4 * i)..]),
        DataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(data[(4 * i)..]),
        DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(data[(8 * i)..]),
        _ => throw new InvalidOperationException($"cannot read {type.ShortName()} as a number"),
    };

    /// <summary>Stores <paramref name="value"/> as element <paramref name="i"/>, rounding to nearest (even) for narrow floats.</summary>
    public static void Write(Span<byte> data, DataType type, int i, double value)
    {
        switch (type)
        {
            case DataType.Float32: BinaryPrimitives.WriteSingleLittleEndian(data[(4 * i)..], (float)value); break;
            case DataType.Float64: BinaryPrimitives.WriteDoubleLittleEndian(data[(8 * i)..], value); break;
            case DataType.Float16: BinaryPrimitives.WriteHalfLittleEndian(data[(2 * i)..], (Half)value); break;
            case DataType.BFloat16: BinaryPrimitives.WriteUInt16LittleEndian(data[(2 * i)..], ToBFloat16((float)value)); break;
            case DataType.Int8: data[i] = (byte)(sbyte)value; break;
            case DataType.UInt8: data[i] = (byte)value; break;
            case DataType.Bool: data[i] = value != 0 ? (byte)1 : (byte)0; break;
            case DataType.Int16: BinaryPrimitives.WriteInt16LittleEndian(data[(2 * i)..], (short)value); break;
            case DataType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(data[(2 * i)..], (ushort)value); break;
            case DataType.Int32: BinaryPrimitives.WriteInt32LittleEndian(data[(4 * i)..], (int)value); break;
            case DataType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(data[(4 * i)..], (uint)value); break;
            case DataType.Int64: BinaryPrimitives.WriteInt64LittleEndian(data[(8 * i)..], (long)value); break;
            default: throw new InvalidOperationException($"cannot write {type.ShortName()} from a number");
        }
    }

    /// <summary>float → bfloat16 with round-to-nearest-even; NaN stays a (quiet) NaN.</summary>
    public static ushort ToBFloat16(float f)
    {
        uint bits = BitConverter.SingleToUInt32Bits(f);
        if (float.IsNaN(f))
            return (ushort)((bits >> 16) | 0x40);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }
}
