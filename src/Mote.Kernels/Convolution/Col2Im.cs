using System.Runtime.CompilerServices;

namespace Mote.Kernels.Convolution;

/// <summary>
/// The transpose of <see cref="Im2Col.Build"/>, for ConvTranspose: each entry of a column matrix (row
/// <c>(c·kh + ky)·kw + kx</c>, column <c>oy·OutputWidth + ox</c>) is added to the image pixel that tap
/// (ky, kx) of window (oy, ox) covers; entries that fall in the padding are dropped.
/// </summary>
/// <remarks>
/// For ConvTranspose with input X [Cin × h·w] and weights W [Cin × Cout·kh·kw] per group: the columns are
/// <c>Wᵀ·X</c> (a GEMM with transA), and the <see cref="Window2D"/> is the forward convolution's: its input
/// plane is the ConvTranspose output (H×W, cleared or preset to the bias) and its output plane is the
/// ConvTranspose input (h×w). Layout and column windows as in <see cref="Im2Col"/>.
/// </remarks>
public static class Col2Im
{
    /// <summary>
    /// Adds columns [start, start+count) of the matrix (channels·kh·kw rows, stride ldColumns) into the
    /// image. The image is not cleared first.
    /// </summary>
    public static void Accumulate(ReadOnlySpan<float> columns, int ldColumns, int channels, in Window2D w, int start, int count, Span<float> image)
    {
        Im2Col.Check(image.Length, channels, in w, start, count, columns.Length, ldColumns);
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            Span<float> plane = image.Slice(c * w.InputSize, w.InputSize);
            for (int ky = 0; ky < w.KernelHeight; ky++)
                for (int kx = 0; kx < w.KernelWidth; kx++, row++)
                    AddRow(columns.Slice(row * ldColumns, count), in w, ky, kx, start, plane);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddRow(ReadOnlySpan<float> src, in Window2D w, int ky, int kx, int start, Span<float> plane)
    {
        int ow = Math.Max(w.OutputWidth, 1);
        int pos = 0, count = src.Length;
        while (pos < count)
        {
            int col = start + pos;
            int oy = col / ow, ox0 = col % ow;
            int n = Math.Min(w.OutputWidth - ox0, count - pos);
            int iy = oy * w.StrideHeight - w.PadTop + ky * w.DilationHeight;
            if ((uint)iy < (uint)w.InputHeight)
            {
                var (lo, hi) = Im2Col.ValidRange(in w, kx, ox0, n);
                int ix = (ox0 + lo) * w.StrideWidth - w.PadLeft + kx * w.DilationWidth;
                Span<float> dst = plane.Slice(iy * w.InputWidth);
                for (int i = lo; i < hi; i++, ix += w.StrideWidth) dst[ix] += src[pos + i];
            }
            pos += n;
        }
    }
}
