using System.Runtime.InteropServices;

namespace Mote.Kernels.Tests.Elementwise;

/// <summary>
/// Float memory placed against an inaccessible page, so a kernel that reads or writes past the end
/// crashes the test run instead of passing by luck (Linux; elsewhere a plain array with sentinels).
/// </summary>
internal sealed unsafe class GuardedBuffer : IDisposable
{
    private const int PageSize = 4096;
    private readonly byte* _base;
    private readonly nuint _mapped;
    private readonly float[]? _fallback;

    public GuardedBuffer(int length)
    {
        Length = length;
        if (OperatingSystem.IsLinux())
        {
            nuint dataBytes = (nuint)((length * sizeof(float) + PageSize - 1) / PageSize * PageSize);
            _mapped = dataBytes + PageSize;
            _base = (byte*)Mmap(null, _mapped, 3 /* read|write */, 0x22 /* private|anonymous */, -1, 0);
            if (_base == (byte*)-1)
                throw new InvalidOperationException("mmap failed");
            if (Mprotect(_base + dataBytes, PageSize, 0) != 0)
                throw new InvalidOperationException("mprotect failed");
            Pointer = (float*)(_base + dataBytes) - length;
        }
        else
        {
            _fallback = GC.AllocateArray<float>(length, pinned: true);
            fixed (float* p = _fallback)
                Pointer = p;
        }
    }

    public int Length { get; }

    public float* Pointer { get; }

    public Span<float> Span => new(Pointer, Length);

    public void Dispose()
    {
        if (_base != null)
            _ = Munmap(_base, _mapped);
    }

    [DllImport("libc", EntryPoint = "mmap")]
    private static extern void* Mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect")]
    private static extern int Mprotect(void* addr, nuint length, int prot);

    [DllImport("libc", EntryPoint = "munmap")]
    private static extern int Munmap(void* addr, nuint length);
}
