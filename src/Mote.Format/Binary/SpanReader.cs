using System.Buffers.Binary;
using System.Text;

namespace Mote.Format.Binary;

/// <summary>
/// Bounds-checked little-endian reader over one section. Every read checks the remaining bytes first
/// and reports problems as <see cref="MoteFormatException"/> with the absolute file offset, so parsing
/// code never sees an index or decoding exception.
/// </summary>
internal ref struct SpanReader
{
    private readonly ReadOnlySpan<byte> _bytes;
    private int _pos;

    /// <param name="bytes">The section bytes.</param>
    /// <param name="section">Section name for error messages.</param>
    /// <param name="baseOffset">Absolute file offset of <paramref name="bytes"/>[0].</param>
    public SpanReader(ReadOnlySpan<byte> bytes, string section, long baseOffset)
    {
        _bytes = bytes;
        Section = section;
        BaseOffset = baseOffset;
    }

    public string Section { get; }

    public long BaseOffset { get; }

    public readonly int Position => _pos;

    public readonly int Remaining => _bytes.Length - _pos;

    /// <summary>An exception located at the current position.</summary>
    public readonly MoteFormatException Error(string message) => new(Section, BaseOffset + _pos, message);

    /// <summary>An exception located at an earlier position of this section.</summary>
    public readonly MoteFormatException ErrorAt(int position, string message) => new(Section, BaseOffset + position, message);

    private ReadOnlySpan<byte> Take(int n, string what)
    {
        if (n > Remaining)
            throw Error($"unexpected end of section reading {what} ({n} bytes needed, {Remaining} left)");
        var s = _bytes.Slice(_pos, n);
        _pos += n;
        return s;
    }

    public byte ReadU8(string what) => Take(1, what)[0];

    public ushort ReadU16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

    public uint ReadU32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public int ReadI32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));

    public long ReadI64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));

    public ulong ReadU64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    public float ReadF32(string what) => BinaryPrimitives.ReadSingleLittleEndian(Take(4, what));

    public ReadOnlySpan<byte> ReadBytes(int n, string what) => Take(n, what);

    /// <summary>
    /// Reads a u32 count of items that take at least <paramref name="minItemBytes"/> each and rejects it
    /// unless that many items could fit in the remaining bytes: callers may then allocate <c>count</c> slots.
    /// </summary>
    public int ReadCount(int minItemBytes, string what)
    {
        int at = _pos;
        uint count = ReadU32(what + " count");
        if (count > (uint)(Remaining / minItemBytes))
            throw ErrorAt(at, $"{what} count {count} cannot fit in the {Remaining} bytes left in the section");
        return (int)count;
    }

    /// <summary>Reads a u32 byte length and that many bytes of strict UTF-8.</summary>
    public string ReadString(string what)
    {
        int at = _pos;
        uint length = ReadU32(what + " length");
        if (length > (uint)Remaining)
            throw ErrorAt(at, $"{what} length {length} exceeds the {Remaining} bytes left in the section");
        var bytes = Take((int)length, what);
        try
        {
            return StrictUtf8.Encoding.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw ErrorAt(at, $"{what} is not valid UTF-8");
        }
    }
}
