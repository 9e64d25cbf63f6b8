using System.Buffers;
using System.Numerics;
using Mote.Kernels.Convolution;

namespace Mote.Kernels.Pooling;

/// <summary>
/// Max pooling of 8-bit planes (the uint8 or int8 activations of an int8 model). Max commutes with a monotonic
/// dequantization, so pooling the codes is exact. Per output row: the element-wise max of the window's input rows,
/// then the max of every horizontal window of that row (both in whole vectors of bytes), from which each output
/// picks its window (windows reaching into the padding are done one by one). A window entirely in the padding gives
/// the type's minimum, as the reference does.
/// </summary>
public static class MaxPool8Bit
{
    /// <summary>Pools <paramref name="planes"/> planes of <paramref name="x"/> into <paramref name="y"/>.</summary>
    public static void Run<T>(ReadOnlySpan<T> x, int planes, in Window2D w, Span<T> y)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        w.Validate();
        if (x.Length < (long)planes * w.InputSize || y.Length < (long)planes * w.OutputSize)
            throw new ArgumentException("Input or output is shorter than the planes.");
        // Two rows of scratch: the vertical max of a window's rows, then its horizontal window max.
        var rented = ArrayPool<T>.Shared.Rent(Math.Max(1, 2 * w.InputWidth));
        try
        {
            Planes(x, planes, in w, y, rented.AsSpan(0, w.InputWidth), rented.AsSpan(w.InputWidth, w.InputWidth));
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    private static void Planes<T>(ReadOnlySpan<T> x, int planes, in Window2D w, Span<T> y, Span<T> row, Span<T> windows)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        int span = (w.KernelWidth - 1) * w.DilationWidth, whole = w.InputWidth - span;
        for (int p = 0; p < planes; p++)
        {
            var plane = x.Slice(p * w.InputSize, w.InputSize);
            var output = y.Slice(p * w.OutputSize, w.OutputSize);
            for (int oy = 0; oy < w.OutputHeight; oy++)
            {
                var dst = output.Slice(oy * w.OutputWidth, w.OutputWidth);
                if (!VerticalMax(plane, in w, oy, row))
                {
                    dst.Fill(T.MinValue);
                    continue;
                }
                if (whole > 0)
                    HorizontalMax(row, w.KernelWidth, w.DilationWidth, windows[..whole]);
                for (int ox = 0; ox < w.OutputWidth; ox++)
                {
                    int ix = ox * w.StrideWidth - w.PadLeft;
                    if (ix >= 0 && ix < whole)
                    {
                        dst[ox] = windows[ix];
                        continue;
                    }
                    // A window reaching into the left or right padding.
                    T best = T.MinValue;
                    for (int kx = 0; kx < w.KernelWidth; kx++, ix += w.DilationWidth)
                        if ((uint)ix < (uint)w.InputWidth && row[ix] > best)
                            best = row[ix];
                    dst[ox] = best;
                }
            }
        }
    }

    // windows[i] = max over kx of row[i + kx·dilation], for every window that lies inside the row.
    private static void HorizontalMax<T>(ReadOnlySpan<T> row, int taps, int dilation, Span<T> windows)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        int n = windows.Length, i = 0, last = n - Vector<T>.Count;
        // Whole vectors, the last one overlapping its predecessor (recomputing a few windows is harmless).
        for (; last >= 0; i += Vector<T>.Count)
        {
            i = Math.Min(i, last);
            var m = new Vector<T>(row[i..]);
            for (int k = 1; k < taps; k++)
                m = Vector.Max(m, new Vector<T>(row[(i + k * dilation)..]));
            m.CopyTo(windows[i..]);
            if (i == last)
                return;
        }
        for (; i < n; i++)
        {
            T m = row[i];
            for (int k = 1; k < taps; k++)
                m = T.Max(m, row[i + k * dilation]);
            windows[i] = m;
        }
    }

    // The max over output row oy's valid input rows, into `row`; false when every row of the window is padding.
    private static bool VerticalMax<T>(ReadOnlySpan<T> plane, in Window2D w, int oy, Span<T> row)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        bool any = false;
        int iy = oy * w.StrideHeight - w.PadTop;
        for (int ky = 0; ky < w.KernelHeight; ky++, iy += w.DilationHeight)
        {
            if ((uint)iy >= (uint)w.InputHeight)
                continue;
            var src = plane.Slice(iy * w.InputWidth, w.InputWidth);
            if (!any)
            {
                src.CopyTo(row);
                any = true;
                continue;
            }
            int i = 0, last = row.Length - Vector<T>.Count;
            for (; last >= 0; i += Vector<T>.Count)
            {
                i = Math.Min(i, last);
                Vector.Max(new Vector<T>(src[i..]), new Vector<T>(row[i..])).CopyTo(row[i..]);
                if (i == last)
                    break;
            }
            if (last < 0)
                for (; i < row.Length; i++)
                    row[i] = T.Max(row[i], src[i]);
        }
        return any;
    }
}
