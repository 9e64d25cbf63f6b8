using System.Runtime.CompilerServices;
using Mote.Kernels.NeuralNet;

namespace Mote.Kernels.Quantized;

/// <summary>
/// im2col for 8-bit images of any spatial rank: row <c>c·KernelSize + kernel position</c> (row-major over the
/// kernel), column = output position (row-major over the output) holds the input byte under that tap, or
/// <c>padValue</c> in the padding: the input zero point, so that padding contributes nothing once the GEMM
/// subtracts it.
/// </summary>
/// <remarks>
/// Layout: the image is <c>channels</c> dense volumes of <see cref="WindowNd.InputSize"/> bytes. Fills the
/// column window [start, start + count) of a matrix with row stride <c>ldColumns ≥ count</c>. Each run of one
/// output row along the last dimension is a pad prefix, a (strided) copy and a pad suffix. Image and matrix
/// must not overlap.
/// </remarks>
public static class Im2ColQ8
{
    /// <summary>Fills columns [start, start + count) of the im2col matrix (channels·KernelSize rows, stride ldColumns).</summary>
    public static void Build(ReadOnlySpan<byte> image, int channels, scoped in WindowNd w, int start, int count, byte padValue,
        Span<byte> columns, int ldColumns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        if (start < 0 || count < 0 || start + count > w.OutputSize)
            throw new ArgumentOutOfRangeException(nameof(start), $"Columns [{start}, {start + count}) outside [0, {w.OutputSize}).");
        if (ldColumns < count)
            throw new ArgumentOutOfRangeException(nameof(ldColumns), $"Row stride {ldColumns} < {count} columns.");
        if (image.Length < (long)channels * w.InputSize)
            throw new ArgumentException($"Image holds {image.Length} bytes; {channels} volumes of {w.InputSize} needed.", nameof(image));
        long rows = (long)channels * w.KernelSize;
        if (columns.Length < (rows == 0 || count == 0 ? 0 : (rows - 1) * ldColumns + count))
            throw new ArgumentException($"Column matrix too small for {rows}×{count} with stride {ldColumns}.", nameof(columns));

        Span<int> k = stackalloc int[w.Rank];
        Span<int> outer = stackalloc int[w.Rank];
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<byte> volume = image.Slice(c * w.InputSize, w.InputSize);
            k.Clear();
            for (int kp = 0; kp < w.KernelSize; kp++, row++, WindowNd.Next(k, w.Kernel))
                Row(volume, in w, k, start, padValue, columns.Slice(row * ldColumns, count), outer);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row(ReadOnlySpan<byte> volume, scoped in WindowNd w, ReadOnlySpan<int> k, int start, byte pad, Span<byte> dst, Span<int> outer)
    {
        int last = w.Rank - 1, ow = w.Output[last], iw = w.Input[last], stride = w.Strides[last];
        for (int pos = 0; pos < dst.Length;)
        {
            int col = start + pos, o0 = col % ow;
            int n = Math.Min(ow - o0, dst.Length - pos);
            Span<byte> run = dst.Slice(pos, n);
            pos += n;
            WindowNd.Unravel(col / ow, w.Output[..last], outer);
            int inRow = w.OuterRow(outer, k);
            if (inRow < 0)
            {
                run.Fill(pad);
                continue;
            }
            var (lo, hi) = w.ValidRange(k[last], o0, n);
            run[..lo].Fill(pad);
            run[hi..].Fill(pad);
            int ix = (o0 + lo) * stride - w.PadBegin[last] + k[last] * w.Dilations[last];
            ReadOnlySpan<byte> src = volume.Slice(inRow * iw);
            if (stride == 1)
                src.Slice(ix, hi - lo).CopyTo(run[lo..hi]);
            else
                for (int i = lo; i < hi; i++, ix += stride)
                    run[i] = src[ix];
        }
    }
}
