using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Mote.Format.Layout;

/// <summary>
/// The fixed 40-byte file header. The explicit layout documents the byte positions (docs/format.md);
/// encoding goes field by field in little-endian so the code does not depend on the host's byte order.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = MoteConstants.HeaderSize)]
internal struct FileHeader
{
    /// <summary>The magic as a little-endian u64.</summary>
    [FieldOffset(0)] public ulong Magic;
    [FieldOffset(8)] public ushort Major;
    [FieldOffset(10)] public ushort Minor;
    [FieldOffset(12)] public uint Flags;
    [FieldOffset(16)] public ulong FileLength;
    [FieldOffset(24)] public uint SectionCount;
    [FieldOffset(28)] public uint SectionEntrySize;
    /// <summary>XXH3-64 of bytes [0, 32) followed by the section table.</summary>
    [FieldOffset(32)] public ulong HeaderChecksum;

    /// <summary>Offset of the header checksum field: the checksum covers the bytes before it.</summary>
    public const int ChecksumOffset = 32;

    public static FileHeader Read(ReadOnlySpan<byte> b) => new()
    {
        Magic = BinaryPrimitives.ReadUInt64LittleEndian(b),
        Major = BinaryPrimitives.ReadUInt16LittleEndian(b[8..]),
        Minor = BinaryPrimitives.ReadUInt16LittleEndian(b[10..]),
        Flags = BinaryPrimitives.ReadUInt32LittleEndian(b[12..]),
        FileLength = BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
        SectionCount = BinaryPrimitives.ReadUInt32LittleEndian(b[24..]),
        SectionEntrySize = BinaryPrimitives.ReadUInt32LittleEndian(b[28..]),
        HeaderChecksum = BinaryPrimitives.ReadUInt64LittleEndian(b[32..]),
    };

    public readonly void Write(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(b, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(b[8..], Major);
        BinaryPrimitives.WriteUInt16LittleEndian(b[10..], Minor);
        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], FileLength);
        BinaryPrimitives.WriteUInt32LittleEndian(b[24..], SectionCount);
        BinaryPrimitives.WriteUInt32LittleEndian(b[28..], SectionEntrySize);
        BinaryPrimitives.WriteUInt64LittleEndian(b[32..], HeaderChecksum);
    }
}
