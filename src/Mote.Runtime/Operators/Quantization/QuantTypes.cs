using Mote.Format;
using Mote.Kernels.Quantized;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Quantization;

/// <summary>The integer element types the quantization operators handle, and element reads of their parameters.</summary>
internal static unsafe class QuantTypes
{
    /// <summary>Types QuantizeLinear produces (float8 and 4-bit types are out of scope).</summary>
    public static readonly DataType[] Quantized = [DataType.UInt8, DataType.Int8, DataType.UInt16, DataType.Int16];

    /// <summary>Types DequantizeLinear reads.</summary>
    public static readonly DataType[] Dequantizable = [DataType.UInt8, DataType.Int8, DataType.UInt16, DataType.Int16, DataType.Int32];

    /// <summary>The 8-bit types of the integer matrix products.</summary>
    public static readonly DataType[] EightBit = [DataType.UInt8, DataType.Int8];

    public static bool IsQuantized(DataType t) => Array.IndexOf(Quantized, t) >= 0;

    /// <summary>The kernel-side name of an 8-bit type.</summary>
    public static QuantType8 To8(DataType t) => t switch
    {
        DataType.UInt8 => QuantType8.QU8,
        DataType.Int8 => QuantType8.QS8,
        _ => throw new MoteNotSupportedException($"{t.ShortName()} is not an 8-bit quantized type"),
    };

    /// <summary>Element <paramref name="i"/> of an integer tensor, as int.</summary>
    public static int ReadInt(TensorValue t, long i) => t.Type switch
    {
        DataType.UInt8 => ((byte*)t.Data)[i],
        DataType.Int8 => ((sbyte*)t.Data)[i],
        DataType.UInt16 => ((ushort*)t.Data)[i],
        DataType.Int16 => ((short*)t.Data)[i],
        DataType.Int32 => ((int*)t.Data)[i],
        _ => throw new MoteNotSupportedException($"zero point of type {t.Type.ShortName()}"),
    };

    /// <summary>Copies an integer tensor into <paramref name="dst"/> as ints.</summary>
    public static void ReadInts(TensorValue t, Span<int> dst)
    {
        for (int i = 0; i < dst.Length; i++)
            dst[i] = ReadInt(t, i);
    }

    /// <summary>
    /// The ONNX element type named by an <c>output_dtype</c>-style attribute, for messages: Mote's short name,
    /// or the ONNX name for the float8 / 4-bit / 2-bit types Mote leaves out.
    /// </summary>
    public static string OnnxTypeName(long id) => id switch
    {
        17 => "float8e4m3fn",
        18 => "float8e4m3fnuz",
        19 => "float8e5m2",
        20 => "float8e5m2fnuz",
        21 => "uint4",
        22 => "int4",
        23 => "float4e2m1",
        24 => "float8e8m0",
        25 => "uint2",
        26 => "int2",
        _ => id is > 0 and < 256 && DataTypeInfo.IsValid((DataType)id) ? ((DataType)id).ShortName() : $"type #{id}",
    };

    /// <summary>Throws a clear error when a scale the operator divides by is 0 or NaN (the result would be undefined).</summary>
    public static void CheckDivisor(ReadOnlySpan<float> scales, string name)
    {
        for (int i = 0; i < scales.Length; i++)
            if (scales[i] == 0f || float.IsNaN(scales[i]))
                throw new MoteExecutionException($"{name}[{i}] is {scales[i]}: dividing by a zero or NaN scale is undefined");
    }
}
