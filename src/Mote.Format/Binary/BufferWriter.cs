using System.Buffers.Binary;
using System.Text;

namespace Mote.Format.Binary;

/// <summary>Growable little-endian byte buffer for encoding the graph and metadata sections.</summary>
internal sealed class BufferWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    private Span<byte> Grow(int n)
    {
        if (_buffer.Length - _length < n)
        {
            long needed = (long)_length + n;
            if (needed > Array.MaxLength)
                throw new InvalidOperationException("the encoded section exceeds 2 GiB");
            Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _buffer.Length)));
        }
        var s = _buffer.AsSpan(_length, n);
        _length += n;
        return s;
    }

    public void WriteU8(byte v) => Grow(1)[0] = v;

    public void WriteU16(ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(Grow(2), v);

    public void WriteU32(uint v) => BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), v);

    public void WriteI32(int v) => BinaryPrimitives.WriteInt32LittleEndian(Grow(4), v);

    public void WriteI64(long v) => BinaryPrimitives.WriteInt64LittleEndian(Grow(8), v);

    public void WriteU64(ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), v);

    public void WriteF32(float v) => BinaryPrimitives.WriteSingleLittleEndian(Grow(4), v);

    public void WriteBytes(ReadOnlySpan<byte> v) => v.CopyTo(Grow(v.Length));

    /// <summary>Writes a count or length as u32.</summary>
    public void WriteCount(int count) => WriteU32(checked((uint)count));

    /// <summary>Writes a u32 byte length and the strict UTF-8 bytes of <paramref name="s"/>.</summary>
    /// <exception cref="ArgumentException">The string holds a lone surrogate, which UTF-8 cannot represent.</exception>
    public void WriteString(string s)
    {
        int n;
        try
        {
            n = StrictUtf8.Encoding.GetByteCount(s);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException($"the string \"{s}\" is not valid UTF-16 (it holds a lone surrogate) and cannot be stored as UTF-8");
        }
        WriteCount(n);
        StrictUtf8.Encoding.GetBytes(s, Grow(n));
    }
}
