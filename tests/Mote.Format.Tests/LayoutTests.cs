using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mote.Format.Layout;

namespace Mote.Format.Tests;

/// <summary>The fixed-layout structs match the byte positions in docs/format.md.</summary>
public sealed class LayoutTests
{
    [Fact]
    public void HeaderIs40BytesWithSpecOffsets()
    {
        Assert.Equal(40, Unsafe.SizeOf<FileHeader>());
        Assert.Equal(MoteConstants.HeaderSize, Unsafe.SizeOf<FileHeader>());
        Assert.Equal(0, (int)Marshal.OffsetOf<FileHeader>(nameof(FileHeader.Magic)));
        Assert.Equal(8, (int)Marshal.OffsetOf<FileHeader>(nameof(FileHeader.Major)));
        Assert.Equal(10, (int)Marshal.OffsetOf<FileHeader>(nameof(FileHeader.Minor)));
        Assert.Equal(12, (int)Marshal.OffsetOf<FileHeader>(nameof(FileHeader.Flags)));
        Assert.Equal(16, (int)Marshal.OffsetOf<FileHeader>(nameof(FileHeader.FileLength)));
        Assert.Equal(24, (int)Marshal.OffsetOf<FileHeader>(nameof(FileHeader.SectionCount)));
        Assert.Equal(28, (int)Marshal.OffsetOf<FileHeader>(nameof(FileHeader.SectionEntrySize)));
        Assert.Equal(32, (int)Marshal.OffsetOf<FileHeader>(nameof(FileHeader.HeaderChecksum)));
    }

    [Fact]
    public void SectionEntryIs32BytesWithSpecOffsets()
    {
        Assert.Equal(32, Unsafe.SizeOf<SectionEntry>());
        Assert.Equal(MoteConstants.SectionEntrySize, Unsafe.SizeOf<SectionEntry>());
        Assert.Equal(0, (int)Marshal.OffsetOf<SectionEntry>(nameof(SectionEntry.Kind)));
        Assert.Equal(4, (int)Marshal.OffsetOf<SectionEntry>(nameof(SectionEntry.Flags)));
        Assert.Equal(8, (int)Marshal.OffsetOf<SectionEntry>(nameof(SectionEntry.Offset)));
        Assert.Equal(16, (int)Marshal.OffsetOf<SectionEntry>(nameof(SectionEntry.Length)));
        Assert.Equal(24, (int)Marshal.OffsetOf<SectionEntry>(nameof(SectionEntry.Checksum)));
    }

    [Fact]
    public void FieldEncodingMatchesTheStructLayoutOnThisLittleEndianHost()
    {
        Assert.True(BitConverter.IsLittleEndian);
        var h = new FileHeader { Magic = 0x1A0A0D0045544F4D, Major = 0x0102, Minor = 0x0304, Flags = 0x05060708, FileLength = 0x1112131415161718, SectionCount = 0x21222324, SectionEntrySize = 0x31323334, HeaderChecksum = 0x4142434445464748 };
        var encoded = new byte[40];
        h.Write(encoded);
        var raw = new byte[40];
        MemoryMarshal.Write(raw, in h);
        Assert.Equal(raw, encoded);
        Assert.Equal(MoteConstants.Magic.ToArray(), encoded[..8]);
        Assert.Equal(h, FileHeader.Read(encoded));

        var e = new SectionEntry { Kind = 0x01020304, Flags = 0x05060708, Offset = 0x1112131415161718, Length = 0x2122232425262728, Checksum = 0x3132333435363738 };
        encoded = new byte[32];
        e.Write(encoded);
        raw = new byte[32];
        MemoryMarshal.Write(raw, in e);
        Assert.Equal(raw, encoded);
        Assert.Equal(e, SectionEntry.Read(encoded));
    }

    [Fact]
    public void ChecksumIsStandardXxh3WithSeedZero()
    {
        // Test vector quoted in docs/format.md: XXH3_64bits of no bytes.
        Assert.Equal(0x2D06800538D394C2UL, System.IO.Hashing.XxHash3.HashToUInt64([]));
    }

    [Fact]
    public void MagicDetectsTextModeMangling()
    {
        Assert.Equal("MOTE"u8.ToArray(), MoteConstants.Magic[..4].ToArray());
        Assert.Equal(new byte[] { 0x00, 0x0D, 0x0A, 0x1A }, MoteConstants.Magic[4..].ToArray());
    }
}
