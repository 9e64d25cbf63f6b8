using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Data;

/// <summary>
/// Nearest-neighbour 2× upsampling of row-major H×W planes of 1-, 2-, 4- or 8-byte elements:
/// <c>dst[y, x] = src[y / 2, x / 2]</c> over a 2H×2W output. Each source row is widened once
/// (every element written twice, a byte shuffle per 16 bytes) and the widened row is copied to
/// the next output row.
/// </summary>
public static class ResizeNearest
{
    private static readonly Vector128<byte>[] Low = [Pattern(1, 0), Pattern(2, 0), Pattern(4, 0), Pattern(8, 0)];
    private static readonly Vector128<byte>[] High = [Pattern(1, 8), Pattern(2, 8), Pattern(4, 8), Pattern(8, 8)];

    /// <summary>Upsamples <paramref name="planes"/> consecutive planes of <paramref name="h"/>×<paramref name="w"/> elements of <paramref name="elementSize"/> bytes.</summary>
    /// <exception cref="ArgumentException">The element size is not 1, 2, 4 or 8, or a buffer is too short.</exception>
    public static void Upsample2x(ReadOnlySpan<byte> src, Span<byte> dst, long planes, int h, int w, int elementSize)
    {
        if (elementSize is not (1 or 2 or 4 or 8))
            throw new ArgumentException($"element size {elementSize} is not 1, 2, 4 or 8", nameof(elementSize));
        long rowBytes = (long)w * elementSize;
        if (src.Length < planes * h * rowBytes || dst.Length < planes * h * rowBytes * 4)
            throw new ArgumentException("a buffer is shorter than the planes need");
        int pattern = elementSize switch { 1 => 0, 2 => 1, 4 => 2, _ => 3 };
        int inRow = (int)rowBytes, outRow = 2 * inRow;
        long rows = planes * h;
        for (long y = 0; y < rows; y++)
        {
            var s = src.Slice((int)(y * inRow), inRow);
            Widen(s, dst.Slice((int)(y * 2 * outRow), outRow), dst.Slice((int)((y * 2 + 1) * outRow), outRow), pattern, elementSize);
        }
    }

    /// <summary>Writes each element of <paramref name="s"/> twice into both output rows.</summary>
    private static void Widen(ReadOnlySpan<byte> s, Span<byte> d0, Span<byte> d1, int pattern, int elementSize)
    {
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            ref byte sr = ref MemoryMarshal.GetReference(s);
            ref byte r0 = ref MemoryMarshal.GetReference(d0);
            ref byte r1 = ref MemoryMarshal.GetReference(d1);
            var lo = Low[pattern];
            var hi = High[pattern];
            for (; i + 16 <= s.Length; i += 16)
            {
                var v = Vector128.LoadUnsafe(ref sr, (nuint)i);
                var a = Vector128.Shuffle(v, lo);
                var b = Vector128.Shuffle(v, hi);
                a.StoreUnsafe(ref r0, (nuint)(2 * i));
                b.StoreUnsafe(ref r0, (nuint)(2 * i + 16));
                a.StoreUnsafe(ref r1, (nuint)(2 * i));
                b.StoreUnsafe(ref r1, (nuint)(2 * i + 16));
            }
        }
        for (; i < s.Length; i += elementSize)
        {
            var e = s.Slice(i, elementSize);
            e.CopyTo(d0.Slice(2 * i, elementSize));
            e.CopyTo(d0.Slice(2 * i + elementSize, elementSize));
            e.CopyTo(d1.Slice(2 * i, elementSize));
            e.CopyTo(d1.Slice(2 * i + elementSize, elementSize));
        }
    }

    /// <summary>Byte shuffle that duplicates each element of the 8 bytes starting at <paramref name="start"/>.</summary>
    private static Vector128<byte> Pattern(int elementSize, int start)
    {
        Span<byte> p = stackalloc byte[16];
        for (int o = 0; o < 16; o++)
            p[o] = (byte)(start + o / (2 * elementSize) * elementSize + o % elementSize);
        return Vector128.Create((ReadOnlySpan<byte>)p);
    }
}
