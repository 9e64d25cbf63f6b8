namespace Mote.Format;

/// <summary>
/// Element type of a tensor. The numeric ids are stable and never reused: they are written into
/// <c>.mote</c> files. They deliberately coincide with ONNX <c>TensorProto.DataType</c> so that
/// conversion is an identity, but they are Mote's own contract (see docs/format.md).
/// </summary>
public enum DataType : byte
{
    /// <summary>No type; never valid for a tensor.</summary>
    Undefined = 0,
    /// <summary>IEEE 754 binary32.</summary>
    Float32 = 1,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,
    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,
    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,
    // 8 is reserved for variable-length strings (not stored in v1 files).
    /// <summary>Boolean, one byte per element, 0 or 1.</summary>
    Bool = 9,
    /// <summary>IEEE 754 binary16.</summary>
    Float16 = 10,
    /// <summary>IEEE 754 binary64.</summary>
    Float64 = 11,
    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,
    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,
    // 14, 15 are reserved for complex64 and complex128.
    /// <summary>bfloat16: the upper half of a binary32.</summary>
    BFloat16 = 16,
}
