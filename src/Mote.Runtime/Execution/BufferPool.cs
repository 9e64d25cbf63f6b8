using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mote.Runtime.Execution;

/// <summary>
/// Pinned buffers for values whose size is only known while running (outputs of dynamic steps).
/// Owned by one run context, so no locking; returned buffers are reused best-fit, and the pool keeps
/// them across runs of the same context so steady-state runs allocate nothing.
/// </summary>
internal sealed class BufferPool
{
    private readonly List<byte[]> _free = [];

    /// <summary>A pinned buffer of at least <paramref name="bytes"/> bytes (64-byte aligned start via <see cref="Pointer"/>).</summary>
    public byte[] Rent(long bytes)
    {
        int best = -1;
        for (int i = 0; i < _free.Count; i++)
            if (_free[i].Length >= bytes + 64 && (best < 0 || _free[i].Length < _free[best].Length))
                best = i;
        if (best >= 0)
        {
            var b = _free[best];
            _free.RemoveAt(best);
            return b;
        }
        return GC.AllocateUninitializedArray<byte>(checked((int)(bytes + 64)), pinned: true);
    }

    public void Return(byte[] buffer) => _free.Add(buffer);

    public static unsafe void* Pointer(byte[] pinned)
    {
        var p = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        return (void*)(((nint)p + 63) & ~(nint)63);
    }
}
