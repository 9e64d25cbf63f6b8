using System.Buffers.Binary;
using Mote.Format.Tests.Helpers;

namespace Mote.Format.Tests;

/// <summary>Version policy: a newer major is refused, a newer minor with extensions still loads.</summary>
public sealed class VersionTests
{
    private static byte[] Write(WriteExtras extras)
    {
        using var ms = new MemoryStream();
        MoteWriter.Write(TestModels.FullFeature(), ms, extras);
        return ms.ToArray();
    }

    [Theory]
    [InlineData(2, 0, "this file is .mote format 2.0; this build reads format 1.x")]
    [InlineData(7, 3, "this file is .mote format 7.3; this build reads format 1.x")]
    [InlineData(0, 9, "this file is .mote format 0.9; this build reads format 1.x")]
    public void OtherMajorVersionIsRefused(int major, int minor, string message)
    {
        var bytes = ModelBuilder.Write(TestModels.FullFeature());
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)major);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), (ushort)minor);
        // The version is checked before anything else that a new major may change, checksum included.
        var e = Assert.Throws<MoteFormatException>(() => MoteFile.Read(bytes));
        Assert.Contains(message, e.Message);
        Assert.Equal("header", e.Section);
        Assert.Equal(8, e.Offset);
    }

    [Fact]
    public void NewerMinorWithUnknownSectionsAndExtensionBytesLoads()
    {
        var extras = new WriteExtras
        {
            MinorVersion = 7,
            Sections = [(42, "future data"u8.ToArray()), (0xFFFF_FFFF, new byte[100])],
            GraphSuffix = [1, 2, 3, 4, 5],
        };
        var bytes = Write(extras);
        using var file = MoteFile.Read(bytes);
        Assert.Equal(7, file.MinorVersion);
        ModelComparer.AssertEqual(TestModels.FullFeature(), file.Model);
        Assert.Equal(5, file.Sections.Count);
        Assert.Contains(file.Sections, s => (uint)s.Kind == 42 && s.Length == 11 && s.Name == "kind#42");
    }

    [Fact]
    public void UnknownSectionIsSkippedAtTheSameMinorToo()
    {
        using var file = MoteFile.Read(Write(new WriteExtras { Sections = [(9, new byte[3])] }));
        ModelComparer.AssertEqual(TestModels.FullFeature(), file.Model);
    }

    [Fact]
    public void ExtensionBytesInAKnownMinorAreRejected()
    {
        var e = Assert.Throws<MoteFormatException>(() => MoteFile.Read(Write(new WriteExtras { GraphSuffix = [1, 2, 3] })));
        Assert.Contains("3 unexpected bytes after the end of the main graph", e.Message);
    }

    [Fact]
    public void LongerSectionEntriesOfANewerMinorAreAccepted()
    {
        // Re-lay a file with 48-byte entries (16 bytes of future fields per entry), as a minor version may.
        var original = ModelBuilder.Write(TestModels.FullFeature());
        using var parsed = MoteFile.Read(original);
        int count = parsed.Sections.Count, shift = 16 * count;
        var bytes = new byte[original.Length + 64 * ((shift + 63) / 64)];
        int delta = bytes.Length - original.Length;
        original.AsSpan(0, 40).CopyTo(bytes);
        original.AsSpan(40 + 32 * count).CopyTo(bytes.AsSpan(40 + 32 * count + delta));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), (ulong)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(28), 48);
        for (int i = 0; i < count; i++)
        {
            var src = original.AsSpan(40 + 32 * i, 32);
            var dst = bytes.AsSpan(40 + 48 * i, 48);
            src.CopyTo(dst);
            BinaryPrimitives.WriteUInt64LittleEndian(dst[8..], BinaryPrimitives.ReadUInt64LittleEndian(src[8..]) + (ulong)delta);
            dst[32..].Fill(0xAB);
        }
        RawBytes.FixHeaderChecksum(bytes);
        using var file = MoteFile.Read(bytes);
        ModelComparer.AssertEqual(TestModels.FullFeature(), file.Model);
        Assert.All(file.Model.Tensors.Values.Where(t => t.IsConstant), t => Assert.True(MemoryMarshalOffset(bytes, t.Data!.Value) % 64 == 0));
    }

    private static long MemoryMarshalOffset(byte[] file, ReadOnlyMemory<byte> data) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var seg) && seg.Array == file ? seg.Offset : -1;
}
