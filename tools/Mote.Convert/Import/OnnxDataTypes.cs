using Mote.Format;

namespace Mote.Convert.Import;

/// <summary>Maps ONNX <c>TensorProto.DataType</c> numbers to Mote's <see cref="DataType"/> (same numbers where Mote has the type).</summary>
internal static class OnnxDataTypes
{
    /// <summary>ONNX type names by number, for messages about types Mote lacks.</summary>
    private static readonly string[] Names =
    [
        "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL",
        "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
        "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1",
        "FLOAT8E8M0", "UINT2", "INT2",
    ];

    /// <summary>The Mote type for ONNX type <paramref name="onnxType"/>, or null when Mote has none.</summary>
    public static DataType? TryMap(int onnxType) =>
        onnxType > 0 && onnxType < 256 && DataTypeInfo.IsValid((DataType)onnxType) ? (DataType)onnxType : null;

    /// <summary>The ONNX name of a type number (<c>FLOAT8E4M3FN</c>), or <c>#N</c>.</summary>
    public static string Name(int onnxType) =>
        onnxType >= 0 && onnxType < Names.Length ? Names[onnxType] : $"#{onnxType}";

    /// <summary>Maps or throws a clear error for <paramref name="what"/>.</summary>
    public static DataType Map(int onnxType, string file, string what) =>
        TryMap(onnxType) ?? throw new OnnxImportException(file,
            onnxType == 0 ? $"{what} has no element type" : $"{what} has element type {Name(onnxType)}, which Mote does not support");
}
