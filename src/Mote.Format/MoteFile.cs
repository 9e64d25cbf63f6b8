using Mote.Format.Binary;

namespace Mote.Format;

/// <summary>
/// A parsed <c>.mote</c> file. Constant data (<see cref="TensorDef.Data"/>) is not copied: it points into
/// the memory mapping (<see cref="Open"/>) or into the caller's memory (<see cref="Read"/>), and stays valid
/// until this object is disposed (mapped files) or as long as the caller's memory (in-memory files).
/// Every offset, count, id and reference is checked before use; a malformed file raises
/// <see cref="MoteFormatException"/> and nothing else.
/// </summary>
public sealed class MoteFile : IDisposable
{
    private readonly ByteSource _source;

    private MoteFile(ByteSource source, SectionTableReader.Result table, ModelDef model)
    {
        _source = source;
        MajorVersion = table.Major;
        MinorVersion = table.Minor;
        Flags = table.Flags;
        FileLength = table.FileLength;
        Sections = table.Sections;
        Model = model;
    }

    /// <summary>The model. Constants' data points into the file's bytes.</summary>
    public ModelDef Model { get; }

    /// <summary>Major format version of the file (always 1 for a file this build opens).</summary>
    public int MajorVersion { get; }

    /// <summary>Minor format version of the file; may be newer than <see cref="MoteConstants.MinorVersion"/>.</summary>
    public int MinorVersion { get; }

    /// <summary>Header flags (none are defined in format 1.0).</summary>
    public uint Flags { get; }

    /// <summary>File length in bytes.</summary>
    public long FileLength { get; }

    /// <summary>The section table in file order, unknown (skipped) kinds included.</summary>
    public IReadOnlyList<MoteSection> Sections { get; }

    /// <summary>Memory-maps the file at <paramref name="path"/> read-only and parses it.</summary>
    /// <exception cref="MoteFormatException">The file is empty, a directory, not a <c>.mote</c> file, of an unsupported major version, corrupt or invalid.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="IOException">The file cannot be opened or mapped.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read with the current permissions.</exception>
    public static MoteFile Open(string path, MoteReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new MoteFormatException($"'{path}' is a directory, not a .mote file");
        var source = MappedByteSource.Open(path);
        try
        {
            return Parse(source, options ?? MoteReadOptions.Default);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Parses a file held in memory. Constants' data are slices of <paramref name="bytes"/>.</summary>
    /// <exception cref="MoteFormatException">The bytes are not a valid <c>.mote</c> file of a supported version.</exception>
    public static MoteFile Read(ReadOnlyMemory<byte> bytes, MoteReadOptions? options = null) =>
        Parse(new MemoryByteSource(bytes), options ?? MoteReadOptions.Default);

    private static MoteFile Parse(ByteSource source, MoteReadOptions options)
    {
        var table = SectionTableReader.Read(source, options.VerifyChecksums);
        if (options.VerifyChecksums)
            foreach (var s in table.Sections)
                if (source.Hash(s.Offset, s.Length) != s.Checksum)
                    throw new MoteFormatException(s.Name, s.Offset, $"checksum mismatch in the {s.Name} section: the file is corrupt");

        // Extension bytes at the end of a section are only legitimate in a file of a newer minor version.
        bool newerMinor = table.Minor > MoteConstants.MinorVersion;
        var graph = Single(table, MoteSectionKind.Graph);
        var weights = Single(table, MoteSectionKind.Weights);
        var metadata = Single(table, MoteSectionKind.Metadata);

        var model = new ModelDef();
        model.Metadata = MetadataSectionReader.Read(Reader(source, metadata), newerMinor);
        model.Graph = GraphSectionReader.Read(Reader(source, graph), new WeightsView(source, weights.Offset, weights.Length), model.Tensors, newerMinor);
        return new MoteFile(source, table, model);
    }

    private static MoteSection Single(SectionTableReader.Result table, MoteSectionKind kind) => Array.Find(table.Sections, s => s.Kind == kind);

    private static SpanReader Reader(ByteSource source, MoteSection s)
    {
        if (s.Length > int.MaxValue)
            throw new MoteFormatException(s.Name, s.Offset, $"the {s.Name} section is {s.Length} bytes; this build reads up to 2 GiB");
        return new SpanReader(source.Span(s.Offset, (int)s.Length), s.Name, s.Offset);
    }

    /// <summary>Releases the memory mapping. Constant data of <see cref="Model"/> must not be used afterwards.</summary>
    public void Dispose() => _source.Dispose();
}
