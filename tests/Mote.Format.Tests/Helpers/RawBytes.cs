using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Mote.Format.Tests.Helpers;

/// <summary>
/// Builds section bytes and whole files straight from docs/format.md, independently of <see cref="MoteWriter"/>,
/// so tests can craft exactly the malformed bytes they need and check the writer against the spec.
/// </summary>
internal sealed class RawBytes
{
    private readonly List<byte> _b = [];

    public int Length => _b.Count;

    public byte[] ToArray() => [.. _b];

    public RawBytes U8(int v) { _b.Add((byte)v); return this; }

    public RawBytes U16(int v) { Span<byte> s = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)v); _b.AddRange(s); return this; }

    public RawBytes U32(uint v) { Span<byte> s = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(s, v); _b.AddRange(s); return this; }

    public RawBytes I32(int v) => U32((uint)v);

    public RawBytes I64(long v) => U64((ulong)v);

    public RawBytes U64(ulong v) { Span<byte> s = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(s, v); _b.AddRange(s); return this; }

    public RawBytes F32(float v) => U32(BitConverter.SingleToUInt32Bits(v));

    public RawBytes Str(string s) => Bytes32(Encoding.UTF8.GetBytes(s));

    /// <summary>A length-prefixed byte string (the string encoding, without UTF-8 checks).</summary>
    public RawBytes Bytes32(byte[] b) { U32((uint)b.Length); _b.AddRange(b); return this; }

    public RawBytes Raw(params byte[] b) { _b.AddRange(b); return this; }

    /// <summary>A metadata section with empty producer strings, no hash, no opsets, no properties.</summary>
    public static byte[] EmptyMetadata() => new RawBytes().Str("").Str("").U8(0).U32(0).U32(0).ToArray();

    /// <summary>
    /// A whole file: header, section table in the given order, then the sections laid out in
    /// <paramref name="physicalOrder"/> (indices into <paramref name="sections"/>; default table order),
    /// each 8-aligned, weights (kind 2) 64-aligned, zero padding.
    /// </summary>
    public static byte[] File(IReadOnlyList<(uint Kind, byte[] Bytes)> sections, int[]? physicalOrder = null, int major = 1, int minor = 0, uint flags = 0)
    {
        physicalOrder ??= Enumerable.Range(0, sections.Count).ToArray();
        long pos = 40 + 32L * sections.Count;
        var offsets = new long[sections.Count];
        foreach (int i in physicalOrder)
        {
            int align = sections[i].Kind == 2 ? 64 : 8;
            pos = (pos + align - 1) / align * align;
            offsets[i] = pos;
            pos += sections[i].Bytes.Length;
        }
        var file = new byte[pos];
        var h = file.AsSpan();
        "MOTE"u8.CopyTo(h);
        h[4] = 0x00; h[5] = 0x0D; h[6] = 0x0A; h[7] = 0x1A;
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], (ushort)major);
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], (ushort)minor);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], flags);
        BinaryPrimitives.WriteUInt64LittleEndian(h[16..], (ulong)pos);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)sections.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], 32);
        for (int i = 0; i < sections.Count; i++)
        {
            var e = h[(40 + 32 * i)..];
            BinaryPrimitives.WriteUInt32LittleEndian(e, sections[i].Kind);
            BinaryPrimitives.WriteUInt64LittleEndian(e[8..], (ulong)offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(e[16..], (ulong)sections[i].Bytes.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(e[24..], XxHash3.HashToUInt64(sections[i].Bytes));
            sections[i].Bytes.CopyTo(file, offsets[i]);
        }
        FixHeaderChecksum(file);
        return file;
    }

    /// <summary>A file with the given graph section, empty metadata and the given weights.</summary>
    public static byte[] File(byte[] graph, byte[]? weights = null) =>
        File([(1, graph), (2, weights ?? []), (3, EmptyMetadata())], physicalOrder: [0, 2, 1]);

    /// <summary>Recomputes the header checksum after a test patched the header or table.</summary>
    public static void FixHeaderChecksum(byte[] file)
    {
        int tableEnd = 40 + (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(24)) * (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(28));
        var hash = new XxHash3();
        hash.Append(file.AsSpan(0, 32));
        hash.Append(file.AsSpan(40, tableEnd - 40));
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(32), hash.GetCurrentHashAsUInt64());
    }

    /// <summary>Recomputes the checksum of section table entry <paramref name="entry"/> from the bytes it covers.</summary>
    public static void FixSectionChecksum(byte[] file, int entry)
    {
        var e = file.AsSpan(40 + 32 * entry);
        long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(e[8..]);
        long length = (long)BinaryPrimitives.ReadUInt64LittleEndian(e[16..]);
        BinaryPrimitives.WriteUInt64LittleEndian(e[24..], XxHash3.HashToUInt64(file.AsSpan((int)offset, (int)length)));
        FixHeaderChecksum(file);
    }
}
