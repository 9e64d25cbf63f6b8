namespace Mote.Format;

/// <summary>Traits of one <see cref="DataType"/>: the single table that code consults instead of switching on types.</summary>
/// <param name="Type">The type described.</param>
/// <param name="Size">Bytes per element.</param>
/// <param name="ShortName">Short name used in tools and docs (<c>f32</c>, <c>i64</c>).</param>
/// <param name="NumpyDescr">The NumPy <c>descr</c> string for little-endian storage.</param>
/// <param name="IsFloat">True for floating-point types.</param>
/// <param name="IsSigned">True for signed integer and floating-point types.</param>
public sealed record DataTypeInfo(DataType Type, int Size, string ShortName, string NumpyDescr, bool IsFloat, bool IsSigned)
{
    private static readonly DataTypeInfo?[] Table = Build();

    private static DataTypeInfo?[] Build()
    {
        var t = new DataTypeInfo?[32];
        void Add(DataTypeInfo i) => t[(int)i.Type] = i;
        Add(new(DataType.Float32, 4, "f32", "<f4", true, true));
        Add(new(DataType.UInt8, 1, "u8", "|u1", false, false));
        Add(new(DataType.Int8, 1, "i8", "|i1", false, true));
        Add(new(DataType.UInt16, 2, "u16", "<u2", false, false));
        Add(new(DataType.Int16, 2, "i16", "<i2", false, true));
        Add(new(DataType.Int32, 4, "i32", "<i4", false, true));
        Add(new(DataType.Int64, 8, "i64", "<i8", false, true));
        Add(new(DataType.Bool, 1, "bool", "|b1", false, false));
        Add(new(DataType.Float16, 2, "f16", "<f2", true, true));
        Add(new(DataType.Float64, 8, "f64", "<f8", true, true));
        Add(new(DataType.UInt32, 4, "u32", "<u4", false, false));
        Add(new(DataType.UInt64, 8, "u64", "<u8", false, false));
        // NumPy has no bfloat16; tools store it as raw uint16.
        Add(new(DataType.BFloat16, 2, "bf16", "<u2", true, true));
        return t;
    }

    /// <summary>True when <paramref name="type"/> is a known tensor element type.</summary>
    public static bool IsValid(DataType type) => (uint)type < (uint)Table.Length && Table[(int)type] is not null;

    /// <summary>Traits of <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The type is not a known tensor element type.</exception>
    public static DataTypeInfo Of(DataType type) =>
        IsValid(type) ? Table[(int)type]! : throw new ArgumentOutOfRangeException(nameof(type), $"unknown data type id {(int)type}");

    /// <summary>All known element types, in id order.</summary>
    public static IEnumerable<DataTypeInfo> All => Table.Where(i => i is not null)!;

    /// <summary>Finds a type by its short name (<c>f32</c>), or null.</summary>
    public static DataTypeInfo? FromShortName(string name) => All.FirstOrDefault(i => i.ShortName == name);
}

/// <summary>Convenience accessors over <see cref="DataTypeInfo"/>.</summary>
public static class DataTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this DataType type) => DataTypeInfo.Of(type).Size;

    /// <summary>Short name (<c>f32</c>, <c>i64</c>), or <c>type#N</c> for an unknown id.</summary>
    public static string ShortName(this DataType type) =>
        DataTypeInfo.IsValid(type) ? DataTypeInfo.Of(type).ShortName : $"type#{(int)type}";

    /// <summary>True for floating-point types.</summary>
    public static bool IsFloat(this DataType type) => DataTypeInfo.Of(type).IsFloat;
}
