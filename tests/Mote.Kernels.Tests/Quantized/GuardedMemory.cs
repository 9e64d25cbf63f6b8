using System.Runtime.InteropServices;

namespace Mote.Kernels.Tests.Quantized;

/// <summary>
/// Unmanaged elements placed so that the last one ends right before an inaccessible page (Linux: mmap +
/// mprotect): a kernel reading or writing one element too far crashes the run instead of passing by luck.
/// Elsewhere a pinned array (no guard).
/// </summary>
internal sealed unsafe class GuardedMemory<T> : IDisposable where T : unmanaged
{
    private const int PageSize = 4096;
    private readonly byte* _base;
    private readonly nuint _mapped;
    private readonly T[]? _fallback;

    public GuardedMemory(int length)
    {
        Length = length;
        if (OperatingSystem.IsLinux())
        {
            nuint dataBytes = (nuint)(((long)length * sizeof(T) + PageSize - 1) / PageSize * PageSize);
            _mapped = dataBytes + PageSize;
            _base = (byte*)GuardPages.Mmap(null, _mapped, 3, 0x22, -1, 0);
            if (_base == (byte*)-1)
                throw new InvalidOperationException("mmap failed");
            if (GuardPages.Mprotect(_base + dataBytes, PageSize, 0) != 0)
                throw new InvalidOperationException("mprotect failed");
            Pointer = (T*)(_base + dataBytes) - length;
        }
        else
        {
            _fallback = GC.AllocateArray<T>(length, pinned: true);
            fixed (T* p = _fallback)
                Pointer = p;
        }
    }

    public static GuardedMemory<T> From(ReadOnlySpan<T> data)
    {
        var g = new GuardedMemory<T>(data.Length);
        data.CopyTo(g.Span);
        return g;
    }

    public int Length { get; }

    public T* Pointer { get; }

    public Span<T> Span => new(Pointer, Length);

    public void Dispose()
    {
        if (_base != null)
            _ = GuardPages.Munmap(_base, _mapped);
    }
}

/// <summary>The libc calls behind <see cref="GuardedMemory{T}"/> (P/Invoke cannot live in a generic type).</summary>
internal static unsafe class GuardPages
{
    [DllImport("libc", EntryPoint = "mmap")]
    public static extern void* Mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect")]
    public static extern int Mprotect(void* addr, nuint length, int prot);

    [DllImport("libc", EntryPoint = "munmap")]
    public static extern int Munmap(void* addr, nuint length);
}
