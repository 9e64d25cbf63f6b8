using System.Runtime.CompilerServices;

namespace Mote.Kernels;

/// <summary>
/// Working memory for one thread: GEMM packs blocks of A and B here. Buffers only grow (on the first
/// calls, the "warm-up"), so steady-state calls allocate nothing. They live on the pinned object heap,
/// so kernels hold raw 64-byte-aligned pointers without <c>fixed</c>. Not thread-safe: a
/// <see cref="Threading.KernelThreadPool"/> owns one per participant; calls without a pool use one per
/// OS thread (<see cref="ForCurrentThread"/>).
/// </summary>
public sealed unsafe class KernelScratch
{
    private const int Alignment = 64; // one cache line; also the widest vector

    private float[] _a = [];
    private float[] _b = [];

    [ThreadStatic] private static KernelScratch? t_current;

    /// <summary>The scratch of the calling thread, for kernel calls made without a pool.</summary>
    public static KernelScratch ForCurrentThread => t_current ??= new KernelScratch();

    /// <summary>Floats held by the buffers, for diagnostics.</summary>
    public long CapacityFloats => _a.LongLength + _b.LongLength;

    /// <summary>First buffer (GEMM: the packed A block), at least <paramref name="floats"/> long.</summary>
    internal float* A(long floats) => Ensure(ref _a, floats);

    /// <summary>Second buffer (GEMM: the packed B block), at least <paramref name="floats"/> long.</summary>
    internal float* B(long floats) => Ensure(ref _b, floats);

    private static float* Ensure(ref float[] buffer, long floats)
    {
        long need = floats + Alignment / sizeof(float);
        if (buffer.LongLength < need)
            buffer = GC.AllocateUninitializedArray<float>(checked((int)Math.Max(need, buffer.LongLength * 3 / 2)), pinned: true);
        nint p = (nint)Unsafe.AsPointer(ref buffer[0]);
        return (float*)((p + Alignment - 1) & ~(nint)(Alignment - 1));
    }
}
