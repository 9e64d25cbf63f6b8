using System.IO.MemoryMappedFiles;

namespace Mote.Format;

/// <summary>A file mapped read-only into memory. Data handed out points into the mapping and lives until <see cref="Dispose"/>.</summary>
internal sealed unsafe class MappedByteSource : ByteSource
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _length;
    private volatile bool _disposed;

    private MappedByteSource(MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        _file = file;
        _view = view;
        _length = length;
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + view.PointerOffset;
    }

    /// <summary>Maps <paramref name="path"/>.</summary>
    /// <exception cref="MoteFormatException">The file is empty (an empty file cannot be mapped).</exception>
    /// <exception cref="IOException">The file cannot be opened or mapped (missing, unreadable...).</exception>
    public static MappedByteSource Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1);
        MemoryMappedFile? file = null;
        try
        {
            long length = stream.Length;
            if (length == 0)
                throw new MoteFormatException("header", 0, "not a .mote file (the file is empty)");
            file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            return new MappedByteSource(file, view, length);
        }
        catch
        {
            if (file is not null)
                file.Dispose();
            else
                stream.Dispose();
            throw;
        }
    }

    public override long Length => _length;

    public override ReadOnlySpan<byte> Span(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new ReadOnlySpan<byte>(_base + offset, length);
    }

    public override ReadOnlyMemory<byte> Memory(long offset, int length) => new MappedMemoryManager(this, _base + offset, length).Memory;

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, typeof(MoteFile));

    public override void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
