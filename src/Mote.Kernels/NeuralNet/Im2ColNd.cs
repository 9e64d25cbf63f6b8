using System.Runtime.CompilerServices;

namespace Mote.Kernels.NeuralNet;

/// <summary>
/// im2col for any number of spatial dimensions (3-D convolution; the 2-D case has its own tuned
/// <see cref="Convolution.Im2Col"/>). Row <c>c·KernelSize + kernel position</c> (row-major over the kernel),
/// column = output position (row-major over the output) holds the input value under that tap, or 0 in the
/// padding. <see cref="Col2ImNd.Accumulate"/> is its transpose.
/// </summary>
/// <remarks>
/// Layout: the image is <c>channels</c> dense volumes of <see cref="WindowNd.InputSize"/> floats. Works on the
/// column window [start, start + count) with row stride <c>ldColumns ≥ count</c>, so a large output needs
/// only a bounded buffer. Each output row of the last dimension is one segment: a zero prefix, a (strided)
/// copy, a zero suffix; index arithmetic happens per segment, not per element. Image and matrix must not overlap.
/// </remarks>
public static class Im2ColNd
{
    /// <summary>Fills columns [start, start+count) of the im2col matrix (channels·KernelSize rows, stride ldColumns).</summary>
    public static void Build(ReadOnlySpan<float> image, int channels, scoped in WindowNd w, int start, int count, Span<float> columns, int ldColumns)
    {
        Check(image.Length, channels, in w, start, count, columns.Length, ldColumns);
        Span<int> k = stackalloc int[w.Rank];
        Span<int> outer = stackalloc int[w.Rank];
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> volume = image.Slice(c * w.InputSize, w.InputSize);
            k.Clear();
            for (int kp = 0; kp < w.KernelSize; kp++, row++, WindowNd.Next(k, w.Kernel))
                FillRow(volume, in w, k, start, columns.Slice(row * ldColumns, count), outer);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillRow(ReadOnlySpan<float> volume, scoped in WindowNd w, ReadOnlySpan<int> k, int start, Span<float> dst, Span<int> outer)
    {
        int last = w.Rank - 1, ow = w.Output[last], iw = w.Input[last], s = w.Strides[last];
        int pos = 0, count = dst.Length;
        while (pos < count)
        {
            int col = start + pos;
            int o0 = col % ow;
            int n = Math.Min(ow - o0, count - pos);
            Span<float> seg = dst.Slice(pos, n);
            WindowNd.Unravel(col / ow, w.Output[..last], outer);
            int inRow = w.OuterRow(outer, k);
            if (inRow < 0)
            {
                seg.Clear();
            }
            else
            {
                var (lo, hi) = w.ValidRange(k[last], o0, n);
                seg[..lo].Clear();
                seg[hi..].Clear();
                int ix = (o0 + lo) * s - w.PadBegin[last] + k[last] * w.Dilations[last];
                ReadOnlySpan<float> src = volume.Slice(inRow * iw);
                if (hi > lo && s == 1) src.Slice(ix, hi - lo).CopyTo(seg[lo..hi]);
                else for (int i = lo; i < hi; i++, ix += s) seg[i] = src[ix];
            }
            pos += n;
        }
    }

    internal static void Check(int imageLength, int channels, scoped in WindowNd w, int start, int count, int columnsLength, int ld)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        if (start < 0 || count < 0 || start + count > w.OutputSize) throw new ArgumentOutOfRangeException(nameof(start), $"Columns [{start}, {start + count}) outside [0, {w.OutputSize}).");
        if (ld < count) throw new ArgumentOutOfRangeException(nameof(ld), $"Row stride {ld} < {count} columns.");
        if (imageLength < (long)channels * w.InputSize) throw new ArgumentException($"Image holds {imageLength} floats; {channels} volumes of {w.InputSize} needed.");
        long rows = (long)channels * w.KernelSize;
        long need = rows == 0 || count == 0 ? 0 : (rows - 1) * ld + count;
        if (columnsLength < need) throw new ArgumentException($"Column matrix holds {columnsLength} floats; {rows}×{count} with stride {ld} needs {need}.");
    }
}
