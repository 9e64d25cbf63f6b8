using Mote.Format.Binary;

namespace Mote.Format;

/// <summary>Where constants' data lives: the weights section of a source.</summary>
internal readonly record struct WeightsView(ByteSource Source, long Offset, long Length);

/// <summary>Decodes and checks the tensor table at the start of the graph section (docs/format.md, "Tensor record").</summary>
internal static class TensorTableReader
{
    // Name length (4) + at least one name byte + data type + flags.
    private const int MinTensorRecordBytes = 7;

    public static TensorDef[] Read(ref SpanReader r, WeightsView weights, Dictionary<string, TensorDef> byName)
    {
        int count = r.ReadCount(MinTensorRecordBytes, "tensor");
        var tensors = new TensorDef[count];
        for (int i = 0; i < count; i++)
        {
            int at = r.Position;
            var t = ReadTensor(ref r, i, weights);
            if (!byName.TryAdd(t.Name, t))
                throw r.ErrorAt(at, $"tensor #{i} is named '{t.Name}', like an earlier tensor; names must be unique");
            tensors[i] = t;
        }
        return tensors;
    }

    private static TensorDef ReadTensor(ref SpanReader r, int index, WeightsView weights)
    {
        int at = r.Position;
        string name = r.ReadString("tensor name");
        if (name.Length == 0)
            throw r.ErrorAt(at, $"tensor #{index} has an empty name");
        int typeAt = r.Position;
        var type = (DataType)r.ReadU8("data type");
        at = r.Position;
        var flags = (TensorRecordFlags)r.ReadU8("tensor flags");
        if ((flags & ~TensorRecordFlags.Known) != 0)
            throw r.ErrorAt(at, $"tensor '{name}' has unknown flag bits 0x{(int)(flags & ~TensorRecordFlags.Known):X2}");
        // Type 0 (unknown) is allowed for computed values only: not for constants or quantized tensors.
        bool unknownOk = type == DataType.Undefined && (flags & (TensorRecordFlags.Constant | TensorRecordFlags.HasQuant)) == 0;
        if (!DataTypeInfo.IsValid(type) && !unknownOk)
            throw r.ErrorAt(typeAt, $"tensor '{name}' has unknown data type id {(int)type}");

        Dim[]? shape = null;
        if (flags.HasFlag(TensorRecordFlags.HasShape))
            shape = ReadShape(ref r, name, type);
        var tensor = new TensorDef(name, type, shape);
        if (flags.HasFlag(TensorRecordFlags.HasQuant))
            tensor.Quant = ReadQuant(ref r, name, shape);
        if (flags.HasFlag(TensorRecordFlags.Constant))
            tensor.Data = ReadDataRange(ref r, name, type, shape, weights);
        return tensor;
    }

    private static Dim[] ReadShape(ref SpanReader r, string name, DataType type)
    {
        int at = r.Position;
        uint rank = r.ReadU32("rank");
        if (rank > MoteConstants.MaxRank)
            throw r.ErrorAt(at, $"tensor '{name}' has rank {rank}, above the limit of {MoteConstants.MaxRank}");
        var shape = new Dim[rank];
        for (int d = 0; d < shape.Length; d++)
        {
            at = r.Position;
            long value = r.ReadI64("dimension");
            if (value >= 0)
                shape[d] = Dim.Fixed(value);
            else if (value == -1)
            {
                string symbol = r.ReadString("dimension symbol");
                if (symbol.Length == 0)
                    throw r.ErrorAt(at, $"tensor '{name}' dimension {d} is symbolic with an empty name");
                shape[d] = Dim.Symbolic(symbol);
            }
            else
                throw r.ErrorAt(at, $"tensor '{name}' dimension {d} has invalid value {value} (must be >= 0, or -1 for a symbol)");
        }
        // An unknown type (allowed for computed values) still gets the element-count overflow check.
        int elementSize = DataTypeInfo.IsValid(type) ? type.Size() : 1;
        if (ShapeMath.IsFullyFixed(shape) && !(ShapeMath.TryElementCount(shape, out long n) && ShapeMath.TryByteSize(n, elementSize, out _)))
            throw r.ErrorAt(at, $"tensor '{name}' has shape {Dim.Format(shape)} whose byte size overflows 64 bits");
        return shape;
    }

    private static QuantParams ReadQuant(ref SpanReader r, string name, Dim[]? shape)
    {
        int at = r.Position;
        var kind = (QuantKind)r.ReadU8("quantization kind");
        int? axis = null;
        long expected = 1;
        if (kind == QuantKind.PerAxis)
        {
            int axisAt = r.Position;
            int a = r.ReadI32("quantization axis");
            if (shape is null || a < 0 || a >= shape.Length)
                throw r.ErrorAt(axisAt, $"tensor '{name}' is quantized along axis {a}, outside its shape {Dim.Format(shape)}");
            if (!shape[a].IsFixed)
                throw r.ErrorAt(axisAt, $"tensor '{name}' is quantized along axis {a}, whose dimension '{shape[a]}' is not fixed");
            axis = a;
            expected = shape[a].Value;
        }
        else if (kind != QuantKind.PerTensor)
            throw r.ErrorAt(at, $"tensor '{name}' has unknown quantization kind {(int)kind}");
        int countAt = r.Position;
        int count = r.ReadCount(8, "quantization scale");
        if (count != expected || count == 0)
            throw r.ErrorAt(countAt, $"tensor '{name}' has {count} quantization scales; {(axis is null ? "per-tensor quantization has 1" : $"axis {axis} has {expected} slices")}");
        var scales = new float[count];
        for (int i = 0; i < count; i++)
            scales[i] = r.ReadF32("scale");
        var zeroPoints = new int[count];
        for (int i = 0; i < count; i++)
            zeroPoints[i] = r.ReadI32("zero point");
        return new QuantParams(scales, zeroPoints, axis);
    }

    private static ReadOnlyMemory<byte> ReadDataRange(ref SpanReader r, string name, DataType type, Dim[]? shape, WeightsView weights)
    {
        int at = r.Position;
        ulong offset = r.ReadU64("data offset");
        ulong length = r.ReadU64("data length");
        if (!ShapeMath.IsFullyFixed(shape))
            throw r.ErrorAt(at, $"constant '{name}' must have a fixed shape (has {Dim.Format(shape)})");
        // The shape was checked for overflow when it was read.
        ShapeMath.TryElementCount(shape!, out long count);
        ShapeMath.TryByteSize(count, type.Size(), out long bytes);
        if (length != (ulong)bytes)
            throw r.ErrorAt(at, $"constant '{name}' has {length} bytes of data but {type.ShortName()}{Dim.Format(shape)} needs {bytes}");
        if (offset % MoteConstants.WeightAlignment != 0)
            throw r.ErrorAt(at, $"constant '{name}' data offset {offset} is not {MoteConstants.WeightAlignment}-byte aligned");
        if (offset > (ulong)weights.Length || length > (ulong)weights.Length - offset)
            throw r.ErrorAt(at, $"constant '{name}' data {offset}+{length} lies outside the {weights.Length}-byte weights section");
        if (length > int.MaxValue)
            throw r.ErrorAt(at, $"constant '{name}' holds {length} bytes; this build supports constants up to 2 GiB");
        return weights.Source.Memory(weights.Offset + (long)offset, (int)length);
    }
}
