using Mote.Format;

namespace Mote.Runtime.Tests;

/// <summary>
/// Scalar references for the quantization operators, written here from the ONNX spec (independent of the
/// runtime's kernels): rounding half to even of the f32 quotient, then the zero point, then saturation; NaN → 0.
/// </summary>
internal static class QuantReference
{
    public static (int Lo, int Hi) Range(DataType t) => t switch
    {
        DataType.UInt8 => (0, 255),
        DataType.Int8 => (-128, 127),
        DataType.UInt16 => (0, 65535),
        DataType.Int16 => (-32768, 32767),
        DataType.Int32 => (int.MinValue, int.MaxValue),
        _ => throw new NotSupportedException(t.ToString()),
    };

    public static int Quantize(float x, float scale, int zero, DataType type)
    {
        var (lo, hi) = Range(type);
        float q = x / scale;
        if (float.IsNaN(q))
            return 0;
        double r = Math.Round((double)q, MidpointRounding.ToEven) + zero;
        return (int)Math.Clamp(r, lo, hi);
    }

    public static float Dequantize(long q, long zero, float scale) => (float)(q - zero) * scale;

    /// <summary>A tensor of integers of <paramref name="type"/> from int values.</summary>
    public static Tensor Ints(DataType type, int[] values, params int[] shape)
    {
        var t = Tensor.Zeros(type, shape);
        var b = t.Memory.Span;
        for (int i = 0; i < values.Length; i++)
            switch (type)
            {
                case DataType.UInt8: b[i] = checked((byte)values[i]); break;
                case DataType.Int8: b[i] = (byte)checked((sbyte)values[i]); break;
                case DataType.UInt16: BitConverter.TryWriteBytes(b.Slice(2 * i), checked((ushort)values[i])); break;
                case DataType.Int16: BitConverter.TryWriteBytes(b.Slice(2 * i), checked((short)values[i])); break;
                case DataType.Int32: BitConverter.TryWriteBytes(b.Slice(4 * i), values[i]); break;
                default: throw new NotSupportedException(type.ToString());
            }
        return t;
    }

    /// <summary>The integers of a tensor of any integer type.</summary>
    public static int[] ReadInts(Tensor t)
    {
        var b = t.Memory.Span;
        var r = new int[t.ElementCount];
        for (int i = 0; i < r.Length; i++)
            r[i] = t.Type switch
            {
                DataType.UInt8 => b[i],
                DataType.Int8 => (sbyte)b[i],
                DataType.UInt16 => BitConverter.ToUInt16(b.Slice(2 * i)),
                DataType.Int16 => BitConverter.ToInt16(b.Slice(2 * i)),
                DataType.Int32 => BitConverter.ToInt32(b.Slice(4 * i)),
                _ => throw new NotSupportedException(t.Type.ToString()),
            };
        return r;
    }

    /// <summary>Random integers covering the whole range of <paramref name="type"/>, ends included.</summary>
    public static int[] RandomInts(DataType type, long count, int seed)
    {
        var (lo, hi) = Range(type);
        var rng = new Random(seed);
        var v = new int[count];
        for (int i = 0; i < count; i++)
            v[i] = (i % 7) switch { 0 => lo, 1 => hi, _ => type == DataType.Int32 ? rng.Next(-100000, 100000) : rng.Next(lo, hi + 1) };
        return v;
    }

    public static int Count(int[] shape) => shape.Aggregate(1, (a, d) => a * d);

    /// <summary>Row-major strides.</summary>
    public static int[] Strides(int[] shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /// <summary>Asserts two integer tensors hold the same values and shape (and the expected type).</summary>
    public static void AssertInts(DataType type, int[] expected, int[] shape, Tensor actual, string what)
    {
        Xunit.Assert.True(actual.Type == type, $"{what}: type {actual.Type}, expected {type}");
        Xunit.Assert.True(actual.Shape.SequenceEqual(shape), $"{what}: shape {actual}, expected [{string.Join(",", shape)}]");
        var a = ReadInts(actual);
        for (int i = 0; i < expected.Length; i++)
            if (a[i] != expected[i])
                Xunit.Assert.Fail($"{what}: element {i} is {a[i]}, expected {expected[i]}");
    }
}
