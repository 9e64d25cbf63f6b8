using System.Buffers.Binary;
using Mote.Convert.Onnx;
using Mote.Format;

namespace Mote.Convert.Import;

/// <summary>
/// Turns a <see cref="TensorProto"/> into a constant <see cref="TensorDef"/>, accepting every storage
/// form of the IR (raw_data, the typed repeated fields, external files) and checking the data length
/// against the shape before anything is allocated.
/// </summary>
internal sealed class TensorDecoder(string file, ExternalDataReader external)
{
    /// <summary>Decodes <paramref name="t"/> under the name <paramref name="name"/>.</summary>
    public TensorDef Decode(TensorProto t, string name)
    {
        var type = OnnxDataTypes.Map(t.DataType, file, $"tensor '{name}'");
        var shape = new Dim[t.Dims.Count];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = t.Dims[i];
            if (d < 0)
                throw Error($"tensor '{name}' has negative dimension {d}");
            count = MultiplyOrFail(count, d, name);
            shape[i] = Dim.Fixed(d);
        }
        int size = type.Size();
        long bytes = MultiplyOrFail(count, size, name);
        if (bytes > Array.MaxLength)
            throw Error($"tensor '{name}' would need {bytes} bytes, more than one array can hold");
        if (t.Segment is not null)
            throw Error($"tensor '{name}' is segmented; segmented tensors are not supported");
        return new TensorDef(name, type, shape, Data(t, name, type, (int)count, (int)bytes));
    }

    private ReadOnlyMemory<byte> Data(TensorProto t, string name, DataType type, int count, int bytes)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            return external.Read(t, name, bytes);
        if (!t.RawData.IsEmpty)
        {
            if (t.RawData.Length != bytes)
                throw Error($"tensor '{name}' raw_data holds {t.RawData.Length} bytes but {type.ShortName()}{ShapeText(t)} needs {bytes}");
            return t.RawData.Memory;
        }
        var data = new byte[bytes];
        switch (type)
        {
            case DataType.Float32:
                Check(name, "float_data", t.FloatData.Count, count);
                for (int i = 0; i < count; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), t.FloatData[i]);
                break;
            case DataType.Float64:
                Check(name, "double_data", t.DoubleData.Count, count);
                for (int i = 0; i < count; i++)
                    BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), t.DoubleData[i]);
                break;
            case DataType.Int64:
                Check(name, "int64_data", t.Int64Data.Count, count);
                for (int i = 0; i < count; i++)
                    BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8 * i), t.Int64Data[i]);
                break;
            case DataType.UInt64:
                Check(name, "uint64_data", t.Uint64Data.Count, count);
                for (int i = 0; i < count; i++)
                    BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(8 * i), t.Uint64Data[i]);
                break;
            case DataType.UInt32:
                Check(name, "uint64_data", t.Uint64Data.Count, count);
                for (int i = 0; i < count; i++)
                    BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4 * i), (uint)t.Uint64Data[i]);
                break;
            case DataType.Int32:
                Check(name, "int32_data", t.Int32Data.Count, count);
                for (int i = 0; i < count; i++)
                    BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4 * i), t.Int32Data[i]);
                break;
            case DataType.Float16 or DataType.BFloat16 or DataType.Int16 or DataType.UInt16:
                // The IR stores 16-bit types one per int32_data entry: the bit pattern (or value) in the low half.
                Check(name, "int32_data", t.Int32Data.Count, count);
                for (int i = 0; i < count; i++)
                    BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), (ushort)t.Int32Data[i]);
                break;
            case DataType.Int8 or DataType.UInt8:
                Check(name, "int32_data", t.Int32Data.Count, count);
                for (int i = 0; i < count; i++)
                    data[i] = (byte)t.Int32Data[i];
                break;
            case DataType.Bool:
                Check(name, "int32_data", t.Int32Data.Count, count);
                for (int i = 0; i < count; i++)
                    data[i] = t.Int32Data[i] != 0 ? (byte)1 : (byte)0;
                break;
            default:
                throw Error($"tensor '{name}' has type {type.ShortName()}, which has no typed storage field");
        }
        return data;
    }

    private void Check(string name, string field, int have, int need)
    {
        if (have == need)
            return;
        if (have == 0)
            throw Error($"tensor '{name}' has {need} elements but no data");
        throw Error($"tensor '{name}' has {need} elements but {field} holds {have}");
    }

    private static string ShapeText(TensorProto t) => "[" + string.Join(",", t.Dims) + "]";

    private long MultiplyOrFail(long a, long b, string name)
    {
        if (b != 0 && a > long.MaxValue / b)
            throw Error($"tensor '{name}' has an impossibly large shape (element count overflows)");
        return a * b;
    }

    private OnnxImportException Error(string problem) => new(file, problem);
}
