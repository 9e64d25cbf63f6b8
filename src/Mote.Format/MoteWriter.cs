using System.Buffers.Binary;
using System.IO.Hashing;
using Mote.Format.Binary;
using Mote.Format.Layout;

namespace Mote.Format;

/// <summary>Writes a <see cref="ModelDef"/> as a <c>.mote</c> file, format 1.0 (docs/format.md).</summary>
/// <remarks>
/// Output is deterministic: the same model gives the same bytes. Tensors that no graph, node or attribute
/// references are dropped. Constant data is streamed from <see cref="TensorDef.Data"/>, never copied whole.
/// </remarks>
public static class MoteWriter
{
    /// <summary>Validates <paramref name="model"/> and writes it to <paramref name="output"/> (which need not be seekable).</summary>
    /// <exception cref="ArgumentException">
    /// The model is invalid: a node references a tensor missing from the table, a tensor is produced twice or read
    /// before it is produced, a constant has a symbolic shape or data of the wrong length, a string is not valid
    /// UTF-16, and so on. The message names the tensor, node or attribute. Nothing has been written then.
    /// </exception>
    /// <exception cref="IOException">Writing to the stream failed.</exception>
    public static void Write(ModelDef model, Stream output) => Write(model, output, WriteExtras.None);

    /// <summary>
    /// Validates <paramref name="model"/> and writes it to the file at <paramref name="path"/>, through a temporary file in
    /// the same directory that is renamed over <paramref name="path"/> only once complete, so a failure never leaves a
    /// partial file at <paramref name="path"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The model is invalid (see <see cref="Write(ModelDef, Stream)"/>).</exception>
    /// <exception cref="IOException">Creating, writing or renaming the file failed.</exception>
    public static void Write(ModelDef model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var plan = Plan.Build(model, WriteExtras.None);
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                plan.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes with test-only extensions (a newer minor version, extra sections, trailing graph bytes).</summary>
    internal static void Write(ModelDef model, Stream output, WriteExtras extras)
    {
        ArgumentNullException.ThrowIfNull(output);
        Plan.Build(model, extras).WriteTo(output);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Everything but the weights encoded, and the layout of the whole file decided.</summary>
    private sealed class Plan
    {
        private readonly byte[] _headerAndTable;
        private readonly List<(long Offset, byte[] Bytes)> _smallSections = [];
        private readonly long _weightsOffset;
        private readonly WeightsLayout _weights;

        private Plan(ModelDef model, WriteExtras extras)
        {
            ModelValidator.Validate(model);
            var numbering = TensorNumbering.Build(model);
            _weights = WeightsLayout.Build(numbering.Tensors);

            var graph = new BufferWriter();
            GraphSectionWriter.Write(graph, model, numbering, _weights);
            graph.WriteBytes(extras.GraphSuffix);
            var metadata = new BufferWriter();
            MetadataSectionWriter.Write(metadata, model.Metadata);

            // Physical order: header, table, graph, metadata, extras, weights (big and last, 64-aligned).
            var small = new List<(uint Kind, byte[] Bytes)>
            {
                ((uint)MoteSectionKind.Graph, graph.WrittenSpan.ToArray()),
                ((uint)MoteSectionKind.Metadata, metadata.WrittenSpan.ToArray()),
            };
            small.AddRange(extras.Sections);
            int sectionCount = small.Count + 1;
            long position = MoteConstants.HeaderSize + (long)sectionCount * MoteConstants.SectionEntrySize;
            var entries = new List<SectionEntry>();
            foreach (var (kind, bytes) in small)
            {
                position = ShapeMath.AlignUp(position, 8);
                entries.Add(new SectionEntry { Kind = kind, Offset = (ulong)position, Length = (ulong)bytes.Length, Checksum = XxHash3.HashToUInt64(bytes) });
                _smallSections.Add((position, bytes));
                position += bytes.Length;
            }
            _weightsOffset = ShapeMath.AlignUp(position, MoteConstants.WeightAlignment);
            var weightsEntry = new SectionEntry { Kind = (uint)MoteSectionKind.Weights, Offset = (ulong)_weightsOffset, Length = (ulong)_weights.Length, Checksum = _weights.Checksum() };
            // Table order: graph, weights, metadata, then any others.
            entries.Insert(1, weightsEntry);

            _headerAndTable = new byte[MoteConstants.HeaderSize + sectionCount * MoteConstants.SectionEntrySize];
            for (int i = 0; i < entries.Count; i++)
                entries[i].Write(_headerAndTable.AsSpan(MoteConstants.HeaderSize + i * MoteConstants.SectionEntrySize));
            var header = new FileHeader
            {
                Magic = BinaryPrimitives.ReadUInt64LittleEndian(MoteConstants.Magic),
                Major = MoteConstants.MajorVersion,
                Minor = extras.MinorVersion,
                FileLength = (ulong)(_weightsOffset + _weights.Length),
                SectionCount = (uint)sectionCount,
                SectionEntrySize = MoteConstants.SectionEntrySize,
            };
            header.Write(_headerAndTable);
            header.HeaderChecksum = HeaderChecksum.Compute(_headerAndTable);
            header.Write(_headerAndTable);
        }

        public static Plan Build(ModelDef model, WriteExtras extras) => new(model, extras);

        public void WriteTo(Stream output)
        {
            long position = 0;
            output.Write(_headerAndTable);
            position += _headerAndTable.Length;
            foreach (var (offset, bytes) in _smallSections)
            {
                Pad(output, offset - position);
                output.Write(bytes);
                position = offset + bytes.Length;
            }
            Pad(output, _weightsOffset - position);
            _weights.WriteTo(output);
        }

        private static void Pad(Stream output, long count)
        {
            Span<byte> zeros = stackalloc byte[MoteConstants.WeightAlignment];
            zeros.Clear();
            output.Write(zeros[..(int)count]);
        }
    }
}

/// <summary>Test hooks for writing files that a newer minor version could produce.</summary>
internal sealed class WriteExtras
{
    public static readonly WriteExtras None = new();

    public ushort MinorVersion { get; init; } = MoteConstants.MinorVersion;

    /// <summary>Extra sections (kind, bytes), placed after the metadata section.</summary>
    public IReadOnlyList<(uint Kind, byte[] Bytes)> Sections { get; init; } = [];

    /// <summary>Bytes appended to the graph section after the main graph.</summary>
    public byte[] GraphSuffix { get; init; } = [];
}
