using Mote.Format.Layout;

namespace Mote.Format;

/// <summary>Reads and checks the file header and section table (docs/format.md, "Header" and "Section table").</summary>
internal static class SectionTableReader
{
    /// <summary>Largest section count a reader accepts; keeps the table a small, single span.</summary>
    public const int MaxSectionCount = 65535;

    public sealed record Result(int Major, int Minor, uint Flags, long FileLength, MoteSection[] Sections);

    public static Result Read(ByteSource source, bool verifyChecksum)
    {
        long length = source.Length;
        if (length == 0)
            throw new MoteFormatException("header", 0, "not a .mote file (the file is empty)");
        var magic = MoteConstants.Magic;
        if (length < magic.Length || !source.Span(0, magic.Length).SequenceEqual(magic))
            throw new MoteFormatException("header", 0, "not a .mote file (bad magic)");
        if (length < MoteConstants.HeaderSize)
            throw new MoteFormatException("header", length, $"the file is truncated: {length} bytes, shorter than the {MoteConstants.HeaderSize}-byte header");
        var header = FileHeader.Read(source.Span(0, MoteConstants.HeaderSize));
        // Magic and version sit at the same place in every major version, so they are checked first.
        if (header.Major != MoteConstants.MajorVersion)
            throw new MoteFormatException("header", 8, $"this file is .mote format {header.Major}.{header.Minor}; this build reads format {MoteConstants.MajorVersion}.x");
        if (header.FileLength != (ulong)length)
            throw new MoteFormatException("header", 16, $"the header records a file length of {header.FileLength} bytes but the file has {length} (truncated or extended file)");
        uint entrySize = header.SectionEntrySize;
        if (entrySize < MoteConstants.SectionEntrySize || entrySize > MoteConstants.MaxSectionEntrySize || entrySize % 8 != 0)
            throw new MoteFormatException("header", 28, $"section entry size {entrySize} is invalid (must be a multiple of 8 from {MoteConstants.SectionEntrySize} to {MoteConstants.MaxSectionEntrySize})");
        uint count = header.SectionCount;
        if (count > MaxSectionCount || (long)count * entrySize > length - MoteConstants.HeaderSize)
            throw new MoteFormatException("header", 24, $"section count {count} does not fit in the file");
        int tableEnd = MoteConstants.HeaderSize + (int)(count * entrySize);
        var headerAndTable = source.Span(0, tableEnd);
        if (verifyChecksum && HeaderChecksum.Compute(headerAndTable) != header.HeaderChecksum)
            throw new MoteFormatException("header", FileHeader.ChecksumOffset, "header checksum mismatch: the header or section table is corrupt");

        var sections = new MoteSection[count];
        for (int i = 0; i < sections.Length; i++)
        {
            int at = MoteConstants.HeaderSize + i * (int)entrySize;
            var e = SectionEntry.Read(headerAndTable[at..]);
            if (e.Offset < (ulong)tableEnd || e.Offset > (ulong)length || e.Length > (ulong)length - e.Offset)
                throw new MoteFormatException("header", at, $"section #{i} ({MoteSection.NameOf((MoteSectionKind)e.Kind)}) spans bytes {e.Offset}+{e.Length}, outside the file's {tableEnd}..{length} after the header and table");
            sections[i] = new MoteSection((MoteSectionKind)e.Kind, (long)e.Offset, (long)e.Length, e.Checksum);
        }
        CheckNoOverlap(sections);
        RequireExactlyOne(sections, MoteSectionKind.Graph);
        RequireExactlyOne(sections, MoteSectionKind.Weights);
        RequireExactlyOne(sections, MoteSectionKind.Metadata);
        var weights = Array.Find(sections, s => s.Kind == MoteSectionKind.Weights);
        if (weights.Offset % MoteConstants.WeightAlignment != 0)
            throw new MoteFormatException("header", weights.Offset, $"the weights section starts at byte {weights.Offset}, which is not {MoteConstants.WeightAlignment}-byte aligned");
        return new Result(header.Major, header.Minor, header.Flags, length, sections);
    }

    private static void CheckNoOverlap(MoteSection[] sections)
    {
        var sorted = sections.Where(s => s.Length > 0).OrderBy(s => s.Offset).ToArray();
        for (int i = 1; i < sorted.Length; i++)
            if (sorted[i].Offset < sorted[i - 1].Offset + sorted[i - 1].Length)
                throw new MoteFormatException("header", sorted[i].Offset, $"the {sorted[i].Name} section overlaps the {sorted[i - 1].Name} section");
    }

    private static void RequireExactlyOne(MoteSection[] sections, MoteSectionKind kind)
    {
        int n = sections.Count(s => s.Kind == kind);
        if (n != 1)
            throw new MoteFormatException("header", MoteConstants.HeaderSize, n == 0 ? $"the file has no {MoteSection.NameOf(kind)} section" : $"the file has {n} {MoteSection.NameOf(kind)} sections");
    }
}
