namespace Mote.Format;

/// <summary>Kind of a section, as stored in the section table. Ids are stable.</summary>
public enum MoteSectionKind : uint
{
    /// <summary>Tensor table and graphs.</summary>
    Graph = 1,
    /// <summary>Raw constant data, 64-byte aligned.</summary>
    Weights = 2,
    /// <summary>Producer, source hash, opsets and properties.</summary>
    Metadata = 3,
}

/// <summary>One entry of a file's section table.</summary>
/// <param name="Kind">The section kind; a value not defined in <see cref="MoteSectionKind"/> is a section this build skips.</param>
/// <param name="Offset">Absolute byte offset of the section in the file.</param>
/// <param name="Length">Length of the section in bytes.</param>
/// <param name="Checksum">XXH3-64 (seed 0) of the section bytes.</param>
public readonly record struct MoteSection(MoteSectionKind Kind, long Offset, long Length, ulong Checksum)
{
    /// <summary>Lower-case name for messages and tools (<c>graph</c>, <c>weights</c>, <c>metadata</c>, <c>kind#7</c>).</summary>
    public string Name => NameOf(Kind);

    internal static string NameOf(MoteSectionKind kind) => kind switch
    {
        MoteSectionKind.Graph => "graph",
        MoteSectionKind.Weights => "weights",
        MoteSectionKind.Metadata => "metadata",
        _ => $"kind#{(uint)kind}",
    };
}
