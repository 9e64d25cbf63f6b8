using System.Runtime.InteropServices;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// Nearest-neighbour Resize over any element type: a gather driven by the one-tap index tables.
/// The source offset of the current output row is kept incrementally across the outer
/// dimensions; an unchanged last dimension copies whole rows, a resized one gathers through
/// its table. Positions flagged outside (tf_crop_and_resize) take the extrapolation value.
/// </summary>
internal static class ResizeNearestPass
{
    public static void Run<T>(Span<byte> srcBytes, ReadOnlySpan<int> inShape, Span<byte> dstBytes, ReadOnlySpan<int> outShape,
        ResizeTableSet tables, ulong active, T extrapolation) where T : unmanaged
    {
        var src = MemoryMarshal.Cast<byte, T>(srcBytes);
        var dst = MemoryMarshal.Cast<byte, T>(dstBytes);
        if (dst.Length == 0)
            return;
        int r = inShape.Length, last = r - 1;
        Span<long> stride = stackalloc long[r];
        ElementCopy.Strides(inShape, stride);
        Span<int> ctr = stackalloc int[r];
        ctr.Clear();
        long offset = 0;
        int flagged = 0;
        for (int d = 0; d < last; d++)
        {
            offset += tables.Index(d)[0] * stride[d];
            flagged += tables.Outside(d)[0];
        }
        var lastIndex = tables.Index(last);
        var lastOutside = tables.Outside(last);
        bool copyRows = (active & (1UL << last)) == 0;
        int inner = outShape[last];
        long rows = dst.Length / inner;
        for (long row = 0; ; )
        {
            var d = dst.Slice((int)(row * inner), inner);
            if (flagged > 0)
                d.Fill(extrapolation);
            else if (copyRows)
                src.Slice((int)offset, inner).CopyTo(d);
            else
            {
                var s = src.Slice((int)offset, inShape[last]);
                for (int k = 0; k < d.Length; k++)
                    d[k] = lastOutside[k] != 0 ? extrapolation : s[lastIndex[k]];
            }
            if (++row == rows)
                break;
            for (int k = last - 1; k >= 0; k--)
            {
                var index = tables.Index(k);
                var outside = tables.Outside(k);
                int old = ctr[k];
                int now = ++ctr[k] < outShape[k] ? ctr[k] : 0;
                ctr[k] = now;
                offset += (index[now] - (long)index[old]) * stride[k];
                flagged += outside[now] - outside[old];
                if (now != 0)
                    break;
            }
        }
    }

    /// <summary>True when the last two dimensions are doubled with index j/2 and nothing else changes.</summary>
    public static bool IsUpsample2x(ReadOnlySpan<int> inShape, ReadOnlySpan<int> outShape, ResizeTableSet tables, ulong active, bool mayExtrapolate)
    {
        int r = inShape.Length;
        if (r < 2 || mayExtrapolate || active != (3UL << (r - 2)))
            return false;
        for (int d = r - 2; d < r; d++)
        {
            if (outShape[d] != 2 * inShape[d])
                return false;
            var index = tables.Index(d);
            for (int j = 0; j < index.Length; j++)
                if (index[j] != j >> 1)
                    return false;
        }
        return true;
    }
}
