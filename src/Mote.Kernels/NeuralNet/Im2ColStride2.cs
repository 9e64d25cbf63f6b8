using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Mote.Kernels.Convolution;

namespace Mote.Kernels.NeuralNet;

/// <summary>
/// <see cref="Im2Col.Build"/> for a horizontal stride of 2 (the first layer and the downsampling layers of
/// most CNNs), where each im2col row segment is a gather of every other input element. The gather takes the
/// even lanes of consecutive vectors by narrowing 64-bit pairs to their low halves (little-endian: the even
/// float), which every vector ISA does in one or two instructions. Same matrix, same layout contract as
/// <see cref="Im2Col"/>; any other stride is passed on to it.
/// </summary>
/// <remarks>A vector step reads up to one float past the last element it keeps, so it only runs while that
/// float is itself one the segment needs; the last few elements of a segment are copied one by one.</remarks>
public static unsafe class Im2ColStride2
{
    /// <summary>Fills columns [start, start+count) of the im2col matrix (channels·kh·kw rows, stride ldColumns).</summary>
    public static void Build(ReadOnlySpan<float> image, int channels, in Window2D w, int start, int count, Span<float> columns, int ldColumns)
    {
        if (w.StrideWidth != 2)
        {
            Im2Col.Build(image, channels, in w, start, count, columns, ldColumns);
            return;
        }
        Im2Col.Check(image.Length, channels, in w, start, count, columns.Length, ldColumns);
        fixed (float* x = image, m = columns)
        {
            int row = 0;
            for (int c = 0; c < channels; c++)
                for (int ky = 0; ky < w.KernelHeight; ky++)
                    for (int kx = 0; kx < w.KernelWidth; kx++, row++)
                        FillRow(x + (nint)c * w.InputSize, in w, ky, kx, start, m + (nint)row * ldColumns, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillRow(float* plane, in Window2D w, int ky, int kx, int start, float* dst, int count)
    {
        int ow = Math.Max(w.OutputWidth, 1);
        int pos = 0;
        while (pos < count)
        {
            int col = start + pos;
            int oy = col / ow, ox0 = col % ow;
            int n = Math.Min(w.OutputWidth - ox0, count - pos);
            float* seg = dst + pos;
            int iy = oy * w.StrideHeight - w.PadTop + ky * w.DilationHeight;
            if ((uint)iy >= (uint)w.InputHeight)
            {
                new Span<float>(seg, n).Clear();
            }
            else
            {
                var (lo, hi) = Im2Col.ValidRange(in w, kx, ox0, n);
                new Span<float>(seg, lo).Clear();
                new Span<float>(seg + hi, n - hi).Clear();
                int ix = (ox0 + lo) * 2 - w.PadLeft + kx * w.DilationWidth;
                GatherEven(plane + (nint)iy * w.InputWidth + ix, seg + lo, hi - lo);
            }
            pos += n;
        }
    }

    /// <summary><c>dst[i] = src[2i]</c> for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void GatherEven(float* src, float* dst, int n)
    {
        int i = 0;
        // A step of L outputs reads src[2i … 2i + 2L − 1]; it stays within the needed src[0 … 2n − 2] while i + L < n.
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 < n; i += 16)
                Vector512.Narrow(Vector512.Load((ulong*)(src + 2 * i)), Vector512.Load((ulong*)(src + 2 * i + 16))).AsSingle().Store(dst + i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 < n; i += 8)
                Vector256.Narrow(Vector256.Load((ulong*)(src + 2 * i)), Vector256.Load((ulong*)(src + 2 * i + 8))).AsSingle().Store(dst + i);
        if (Vector128.IsHardwareAccelerated)
            for (; i + 4 < n; i += 4)
                Vector128.Narrow(Vector128.Load((ulong*)(src + 2 * i)), Vector128.Load((ulong*)(src + 2 * i + 4))).AsSingle().Store(dst + i);
        for (; i < n; i++)
            dst[i] = src[2 * i];
    }
}
