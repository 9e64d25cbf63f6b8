namespace Mote.Format;

/// <summary>Fixed numbers of the <c>.mote</c> format, version 1 (see docs/format.md).</summary>
public static class MoteConstants
{
    /// <summary>The 8 magic bytes every <c>.mote</c> file starts with: <c>M O T E 00 0D 0A 1A</c>.</summary>
    /// <remarks>The NUL, CR LF and Ctrl-Z bytes make text-mode transfers and line-ending conversion visible as a bad magic.</remarks>
    public static ReadOnlySpan<byte> Magic => [0x4D, 0x4F, 0x54, 0x45, 0x00, 0x0D, 0x0A, 0x1A];

    /// <summary>Major format version this build writes and reads.</summary>
    public const int MajorVersion = 1;

    /// <summary>Minor format version this build writes; it reads every minor version of <see cref="MajorVersion"/>.</summary>
    public const int MinorVersion = 0;

    /// <summary>Size in bytes of the fixed file header.</summary>
    public const int HeaderSize = 40;

    /// <summary>Size in bytes of one section table entry as written by this build.</summary>
    public const int SectionEntrySize = 32;

    /// <summary>Largest section table entry size a reader accepts (newer minor versions may append fields).</summary>
    public const int MaxSectionEntrySize = 1024;

    /// <summary>File alignment of the weights section and of every constant's data, in bytes.</summary>
    public const int WeightAlignment = 64;

    /// <summary>Largest tensor rank a file may hold.</summary>
    public const int MaxRank = 64;

    /// <summary>Deepest nesting of subgraphs (the main graph is depth 0).</summary>
    public const int MaxGraphDepth = 64;

    /// <summary>Tensor index that marks an omitted optional node input or output.</summary>
    public const uint OmittedIndex = uint.MaxValue;

    /// <summary>Length of <see cref="ModelMetadata.SourceSha256"/> when present.</summary>
    public const int Sha256Length = 32;
}
