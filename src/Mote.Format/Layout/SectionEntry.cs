using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Mote.Format.Layout;

/// <summary>One 32-byte section table entry (docs/format.md). Encoded field by field in little-endian.</summary>
[StructLayout(LayoutKind.Explicit, Size = MoteConstants.SectionEntrySize)]
internal struct SectionEntry
{
    [FieldOffset(0)] public uint Kind;
    [FieldOffset(4)] public uint Flags;
    [FieldOffset(8)] public ulong Offset;
    [FieldOffset(16)] public ulong Length;
    [FieldOffset(24)] public ulong Checksum;

    public static SectionEntry Read(ReadOnlySpan<byte> b) => new()
    {
        Kind = BinaryPrimitives.ReadUInt32LittleEndian(b),
        Flags = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]),
        Offset = BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
        Length = BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
        Checksum = BinaryPrimitives.ReadUInt64LittleEndian(b[24..]),
    };

    public readonly void Write(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(b, Kind);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(b[8..], Offset);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], Length);
        BinaryPrimitives.WriteUInt64LittleEndian(b[24..], Checksum);
    }
}
