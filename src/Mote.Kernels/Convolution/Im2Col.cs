using System.Runtime.CompilerServices;
namespace Mote.Kernels.Convolution;

/// <summary>
/// Lowers convolution to GEMM. <see cref="Build"/> writes the im2col matrix of one image's channels: row
/// <c>(c·KernelHeight + ky)·KernelWidth + kx</c>, column <c>oy·OutputWidth + ox</c> holds the input value
/// under tap (ky, kx) of output pixel (oy, ox), or 0 in the padding. It then is the B operand (K = C·kh·kw,
/// N = output pixels) of <c>Y = W·B</c> with the weights [Cout × C·kh·kw] as A (prepacked).
/// <see cref="Col2Im.Accumulate"/> is the transpose, for ConvTranspose.
/// </summary>
/// <remarks>
/// Layout: the image is C planes of H×W floats, contiguous (NCHW for one image and one group). Works on a
/// window of columns [start, start + count) so an operator can process a large image in chunks with a
/// bounded buffer; the matrix has row stride <c>ldColumns ≥ count</c>. Image and matrix must not overlap.
/// </remarks>
public static class Im2Col
{
    /// <summary>Fills columns [start, start+count) of the im2col matrix (channels·kh·kw rows, stride ldColumns).</summary>
    public static void Build(ReadOnlySpan<float> image, int channels, in Window2D w, int start, int count, Span<float> columns, int ldColumns)
    {
        Check(image.Length, channels, in w, start, count, columns.Length, ldColumns);
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = image.Slice(c * w.InputSize, w.InputSize);
            for (int ky = 0; ky < w.KernelHeight; ky++)
                for (int kx = 0; kx < w.KernelWidth; kx++, row++)
                {
                    Span<float> dst = columns.Slice(row * ldColumns, count);
                    FillRow(plane, in w, ky, kx, start, dst);
                }
        }
    }

    // One im2col row: for each output row segment, a zero prefix, a strided (or contiguous) copy, a zero suffix.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillRow(ReadOnlySpan<float> plane, in Window2D w, int ky, int kx, int start, Span<float> dst)
    {
        int ow = Math.Max(w.OutputWidth, 1);
        int pos = 0, count = dst.Length;
        while (pos < count)
        {
            int col = start + pos;
            int oy = col / ow, ox0 = col % ow;
            int n = Math.Min(w.OutputWidth - ox0, count - pos);
            Span<float> seg = dst.Slice(pos, n);
            int iy = oy * w.StrideHeight - w.PadTop + ky * w.DilationHeight;
            if ((uint)iy >= (uint)w.InputHeight)
            {
                seg.Clear();
            }
            else
            {
                var (lo, hi) = ValidRange(in w, kx, ox0, n);
                seg[..lo].Clear();
                seg[hi..].Clear();
                int ix = (ox0 + lo) * w.StrideWidth - w.PadLeft + kx * w.DilationWidth;
                ReadOnlySpan<float> src = plane.Slice(iy * w.InputWidth);
                if (hi > lo && w.StrideWidth == 1) src.Slice(ix, hi - lo).CopyTo(seg[lo..hi]);
                else for (int i = lo; i < hi; i++, ix += w.StrideWidth) seg[i] = src[ix];
            }
            pos += n;
        }
    }

    // The sub-range [lo, hi) of the n output columns starting at ox0 whose tap kx falls inside the input row.
    internal static (int Lo, int Hi) ValidRange(in Window2D w, int kx, int ox0, int n)
    {
        int offset = kx * w.DilationWidth - w.PadLeft; // ix = ox·stride + offset
        int s = w.StrideWidth;
        int first = offset >= 0 ? 0 : (-offset + s - 1) / s;                                      // ix ≥ 0
        int last = w.InputWidth - 1 - offset < 0 ? -1 : (w.InputWidth - 1 - offset) / s;          // ix ≤ W−1
        int lo = Math.Clamp(first - ox0, 0, n), hi = Math.Clamp(last + 1 - ox0, lo, n);
        return (lo, hi);
    }

    internal static void Check(int imageLength, int channels, in Window2D w, int start, int count, int columnsLength, int ld)
    {
        w.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        if (start < 0 || count < 0 || start + count > w.OutputSize) throw new ArgumentOutOfRangeException(nameof(start), $"Columns [{start}, {start + count}) outside [0, {w.OutputSize}).");
        if (ld < count) throw new ArgumentOutOfRangeException(nameof(ld), $"Row stride {ld} < {count} columns.");
        if (imageLength < channels * w.InputSize) throw new ArgumentException($"Image holds {imageLength} floats; {channels} planes of {w.InputSize} needed.");
        int rows = channels * w.KernelSize;
        long need = rows == 0 || count == 0 ? 0 : (long)(rows - 1) * ld + count;
        if (columnsLength < need) throw new ArgumentException($"Column matrix holds {columnsLength} floats; {rows}×{count} with stride {ld} needs {need}.");
    }
}
