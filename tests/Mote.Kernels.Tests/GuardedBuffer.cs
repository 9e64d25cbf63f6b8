using System.Runtime.InteropServices;

namespace Mote.Kernels.Tests;

/// <summary>
/// Test memory whose last float sits right before an inaccessible page (Linux: mmap + mprotect), so a
/// kernel that reads or writes one element too far crashes the test run instead of passing by luck.
/// Elsewhere it falls back to an ordinary array (no guard).
/// </summary>
internal sealed unsafe class GuardedBuffer : IDisposable
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20;
    private static readonly nint PageSize = Environment.SystemPageSize;

    private readonly nint _base;
    private readonly nint _mapped;
    private readonly float[]? _fallback;

    public GuardedBuffer(int length)
    {
        Length = length;
        if (!OperatingSystem.IsLinux())
        {
            _fallback = new float[length];
            return;
        }
        nint bytes = (nint)length * sizeof(float);
        nint dataPages = (bytes + PageSize - 1) / PageSize;
        _mapped = (dataPages + 1) * PageSize;
        _base = mmap(0, _mapped, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (_base == -1) throw new InvalidOperationException("mmap failed");
        if (mprotect(_base + dataPages * PageSize, PageSize, ProtNone) != 0) throw new InvalidOperationException("mprotect failed");
        Pointer = (float*)(_base + dataPages * PageSize - bytes);
    }

    public int Length { get; }

    public float* Pointer { get; }

    public Span<float> Span => _fallback ?? new Span<float>(Pointer, Length);

    public static GuardedBuffer From(ReadOnlySpan<float> data)
    {
        var g = new GuardedBuffer(data.Length);
        data.CopyTo(g.Span);
        return g;
    }

    public void Dispose()
    {
        if (_base != 0) munmap(_base, _mapped);
    }

    [DllImport("libc", SetLastError = true)] private static extern nint mmap(nint addr, nint length, int prot, int flags, int fd, nint offset);
    [DllImport("libc", SetLastError = true)] private static extern int mprotect(nint addr, nint len, int prot);
    [DllImport("libc", SetLastError = true)] private static extern int munmap(nint addr, nint length);
}
