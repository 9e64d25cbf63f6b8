using System.IO.Hashing;

namespace Mote.Format;

/// <summary>
/// The bytes of a file being read: a memory mapping or caller memory. Callers validate ranges before
/// asking; spans are at most 2 GiB, so a larger file is read piecewise.
/// </summary>
internal abstract class ByteSource : IDisposable
{
    public abstract long Length { get; }

    /// <summary>Bytes [offset, offset + length); the range lies within <see cref="Length"/>.</summary>
    public abstract ReadOnlySpan<byte> Span(long offset, int length);

    /// <summary>Memory over bytes [offset, offset + length) without copying.</summary>
    public abstract ReadOnlyMemory<byte> Memory(long offset, int length);

    /// <summary>XXH3-64 of bytes [offset, offset + length), hashed in chunks.</summary>
    public ulong Hash(long offset, long length)
    {
        const int Chunk = 1 << 30;
        var hash = new XxHash3();
        while (length > 0)
        {
            int n = (int)Math.Min(length, Chunk);
            hash.Append(Span(offset, n));
            offset += n;
            length -= n;
        }
        return hash.GetCurrentHashAsUInt64();
    }

    public virtual void Dispose()
    {
    }
}

/// <summary>Bytes held by the caller.</summary>
internal sealed class MemoryByteSource(ReadOnlyMemory<byte> bytes) : ByteSource
{
    public override long Length => bytes.Length;

    public override ReadOnlySpan<byte> Span(long offset, int length) => bytes.Span.Slice((int)offset, length);

    public override ReadOnlyMemory<byte> Memory(long offset, int length) => bytes.Slice((int)offset, length);
}
