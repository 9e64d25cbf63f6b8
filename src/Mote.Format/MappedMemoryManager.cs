using System.Buffers;

namespace Mote.Format;

/// <summary>
/// Exposes one range of a memory-mapped file as <see cref="Memory{T}"/> without copying. The memory is
/// read-only (writing through it faults) and valid until the owning <see cref="MoteFile"/> is disposed;
/// asking for a span after that throws <see cref="ObjectDisposedException"/> instead of touching unmapped memory.
/// </summary>
internal sealed unsafe class MappedMemoryManager : MemoryManager<byte>
{
    private readonly MappedByteSource _owner;
    private readonly byte* _pointer;
    private readonly int _length;

    public MappedMemoryManager(MappedByteSource owner, byte* pointer, int length)
    {
        _owner = owner;
        _pointer = pointer;
        _length = length;
    }

    public override Span<byte> GetSpan()
    {
        _owner.ThrowIfDisposed();
        return new Span<byte>(_pointer, _length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)_length, nameof(elementIndex));
        _owner.ThrowIfDisposed();
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    // The mapping belongs to the MoteFile; nothing to release per range.
    protected override void Dispose(bool disposing)
    {
    }
}
