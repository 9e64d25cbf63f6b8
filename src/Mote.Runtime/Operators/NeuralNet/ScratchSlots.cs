using System.Numerics;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>
/// Per-participant buffers carved from a node's scratch, for parallel regions whose tasks each need a
/// private buffer (a column window): a 64-byte header holds a bitmask of busy slots, then the slots, each
/// 64-byte aligned. A task claims a free slot when it starts and releases it when it ends; since no more
/// tasks run at once than the pool has participants, a pool of at most <see cref="MaxSlots"/> threads with
/// that many slots always finds one free.
/// </summary>
internal static unsafe class ScratchSlots
{
    /// <summary>Slots the bitmask can track.</summary>
    public const int MaxSlots = 64;

    private const int Header = 64;

    /// <summary>Scratch bytes for <paramref name="slots"/> buffers of <paramref name="slotBytes"/> each.</summary>
    public static long Bytes(int slots, long slotBytes) => Header + slots * Align(slotBytes);

    /// <summary>Marks every slot free (the scratch contents are undefined on entry).</summary>
    public static void Reset(byte* scratch, int slots) =>
        *(long*)scratch = slots >= MaxSlots ? 0 : ~((1L << slots) - 1);

    /// <summary>Takes a free slot; spins only if the caller broke the participants ≤ slots rule.</summary>
    public static int Claim(byte* scratch)
    {
        ref long mask = ref *(long*)scratch;
        while (true)
        {
            long m = Volatile.Read(ref mask);
            if (m == -1)
            {
                Thread.SpinWait(1);
                continue;
            }
            int bit = BitOperations.TrailingZeroCount(~m);
            if (Interlocked.CompareExchange(ref mask, m | (1L << bit), m) == m)
                return bit;
        }
    }

    /// <summary>Returns a slot taken by <see cref="Claim"/>.</summary>
    public static void Release(byte* scratch, int slot) => Interlocked.And(ref *(long*)scratch, ~(1L << slot));

    /// <summary>The buffer of slot <paramref name="slot"/>.</summary>
    public static float* Slot(byte* scratch, int slot, long slotBytes) => (float*)(scratch + Header + slot * Align(slotBytes));

    private static long Align(long bytes) => (bytes + 63) & ~63L;
}
