using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Mote.Kernels.Convolution;

namespace Mote.Kernels.NeuralNet;

/// <summary>
/// The matrix of <see cref="Im2Col.Build"/>, built output row by output row: for each tap (c, ky, kx) the
/// range of output columns whose input column lies inside the image is computed once, so each output row
/// is a zero prefix, one copy and a zero suffix on raw pointers. This keeps the per-row cost low on the
/// small planes of late layers and small models, and the copy for a horizontal stride of 2 (first and
/// downsampling layers) is a vector gather of even lanes. Same layout contract as <see cref="Im2Col"/>.
/// </summary>
/// <remarks>
/// The even-lane gather narrows 64-bit pairs to their low halves (the even float, little-endian), one or two
/// instructions on every vector ISA. A vector step reads up to one float past the last element it keeps, so
/// it only runs while that float is itself one the row needs; the last few elements are copied one by one.
/// </remarks>
public static unsafe class Im2ColRows
{
    /// <summary>Fills columns [start, start+count) of the im2col matrix (channels·kh·kw rows, stride ldColumns).</summary>
    public static void Build(ReadOnlySpan<float> image, int channels, in Window2D w, int start, int count, Span<float> columns, int ldColumns)
    {
        Im2Col.Check(image.Length, channels, in w, start, count, columns.Length, ldColumns);
        if (count == 0) return;
        fixed (float* x = image, m = columns)
        {
            int row = 0;
            for (int c = 0; c < channels; c++)
                for (int ky = 0; ky < w.KernelHeight; ky++)
                    for (int kx = 0; kx < w.KernelWidth; kx++, row++)
                        Row(x + (nint)c * w.InputSize, in w, ky, kx, start, count, m + (nint)row * ldColumns);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row(float* plane, in Window2D w, int ky, int kx, int start, int count, float* dst)
    {
        int ow = w.OutputWidth, s = w.StrideWidth, iw = w.InputWidth;
        // Output columns [lo, hi) of any output row read inside the input row, from input column ixLo on.
        var (lo, hi) = Im2Col.ValidRange(in w, kx, 0, ow);
        int ixLo = lo * s - w.PadLeft + kx * w.DilationWidth;
        float* line = dst - start; // line[col] is column col of the matrix row
        int end = start + count;
        for (int oy = start / ow, col = start; col < end; oy++)
        {
            int first = oy * ow, a = col - first, b = Math.Min(ow, end - first); // this output row's columns [a, b)
            float* o = line + first;
            int iy = oy * w.StrideHeight - w.PadTop + ky * w.DilationHeight;
            int vlo = Math.Max(lo, a), vhi = Math.Min(hi, b);
            if ((uint)iy >= (uint)w.InputHeight || vhi <= vlo)
            {
                Zero(o + a, b - a);
            }
            else
            {
                Zero(o + a, vlo - a);
                float* src = plane + (nint)iy * iw + ixLo + (vlo - lo) * s;
                int n = vhi - vlo;
                if (s == 1) Unsafe.CopyBlockUnaligned(o + vlo, src, (uint)n * sizeof(float));
                else if (s == 2) GatherEven(src, o + vlo, n);
                else for (int i = 0; i < n; i++) o[vlo + i] = src[i * s];
                Zero(o + vhi, b - vhi);
            }
            col = first + b;
        }
    }

    private static void Zero(float* p, int n)
    {
        if (n > 0) Unsafe.InitBlockUnaligned(p, 0, (uint)n * sizeof(float));
    }

    /// <summary><c>dst[i] = src[2i]</c> for i in [0, n); reads nothing past <c>src[2n − 2]</c>.</summary>
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
