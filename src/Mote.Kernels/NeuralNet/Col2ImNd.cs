using System.Runtime.CompilerServices;

namespace Mote.Kernels.NeuralNet;

/// <summary>
/// The transpose of <see cref="Im2ColNd.Build"/>, for ConvTranspose of any rank (and of 2-D with negative
/// pads, which <see cref="Convolution.Col2Im"/> does not take): each entry of the column matrix is added to
/// the image element its tap covers; entries in the padding are dropped.
/// </summary>
/// <remarks>
/// The <see cref="WindowNd"/> is the forward convolution's: its input is the ConvTranspose output (cleared
/// or preset to the bias by the caller) and its output is the ConvTranspose input. Layout and column windows
/// as in <see cref="Im2ColNd"/>. Entries are added in row order, so the result does not depend on how the
/// caller splits the columns.
/// </remarks>
public static class Col2ImNd
{
    /// <summary>Adds columns [start, start+count) of the matrix (channels·KernelSize rows, stride ldColumns) into the image.</summary>
    public static void Accumulate(ReadOnlySpan<float> columns, int ldColumns, int channels, scoped in WindowNd w, int start, int count, Span<float> image)
    {
        Im2ColNd.Check(image.Length, channels, in w, start, count, columns.Length, ldColumns);
        Span<int> k = stackalloc int[w.Rank];
        Span<int> outer = stackalloc int[w.Rank];
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            Span<float> volume = image.Slice(c * w.InputSize, w.InputSize);
            k.Clear();
            for (int kp = 0; kp < w.KernelSize; kp++, row++, WindowNd.Next(k, w.Kernel))
                AddRow(columns.Slice(row * ldColumns, count), in w, k, start, volume, outer);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddRow(ReadOnlySpan<float> src, scoped in WindowNd w, ReadOnlySpan<int> k, int start, Span<float> volume, Span<int> outer)
    {
        int last = w.Rank - 1, ow = w.Output[last], iw = w.Input[last], s = w.Strides[last];
        int pos = 0, count = src.Length;
        while (pos < count)
        {
            int col = start + pos;
            int o0 = col % ow;
            int n = Math.Min(ow - o0, count - pos);
            WindowNd.Unravel(col / ow, w.Output[..last], outer);
            int inRow = w.OuterRow(outer, k);
            if (inRow >= 0)
            {
                var (lo, hi) = w.ValidRange(k[last], o0, n);
                int ix = (o0 + lo) * s - w.PadBegin[last] + k[last] * w.Dilations[last];
                Span<float> dst = volume.Slice(inRow * iw);
                for (int i = lo; i < hi; i++, ix += s) dst[ix] += src[pos + i];
            }
            pos += n;
        }
    }
}
