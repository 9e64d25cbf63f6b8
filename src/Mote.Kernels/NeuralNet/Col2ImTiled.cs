using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Mote.Kernels.Convolution;

namespace Mote.Kernels.NeuralNet;

/// <summary>
/// <see cref="Col2Im.Accumulate"/> for windows that tile the image (kernel = stride, no dilation, no
/// padding: ConvTranspose used as learned upsampling). Every image element then receives at most one
/// column entry, so an input row's taps (ky, 0…kw−1) interleave into one output row; for kw = stride = 2 the
/// two rows are zipped with vector widening. Same contract as <see cref="Col2Im"/>.
/// </summary>
public static unsafe class Col2ImTiled
{
    /// <summary>Whether <paramref name="w"/> tiles its input plane (this kernel's precondition).</summary>
    public static bool Fits(in Window2D w) =>
        w.KernelHeight == w.StrideHeight && w.KernelWidth == w.StrideWidth && w.DilationHeight == 1 && w.DilationWidth == 1
        && (w.PadTop | w.PadLeft | w.PadBottom | w.PadRight) == 0
        && w.OutputHeight * w.StrideHeight <= w.InputHeight && w.OutputWidth * w.StrideWidth <= w.InputWidth;

    /// <summary>Adds columns [start, start+count) of the matrix (channels·kh·kw rows, stride ldColumns) into the image.</summary>
    public static void Accumulate(ReadOnlySpan<float> columns, int ldColumns, int channels, in Window2D w, int start, int count, Span<float> image)
    {
        if (!Fits(in w)) throw new ArgumentException($"The window does not tile the image: {w}.", nameof(w));
        Im2Col.Check(image.Length, channels, in w, start, count, columns.Length, ldColumns);
        if (count == 0) return;
        int kh = w.KernelHeight, kw = w.KernelWidth, ow = w.OutputWidth, iw = w.InputWidth;
        fixed (float* cols = columns, img = image)
            for (int c = 0; c < channels; c++)
                for (int ky = 0; ky < kh; ky++)
                {
                    float* taps = cols + (nint)((c * kh + ky) * kw) * ldColumns - start; // taps[kx·ld + col]
                    float* plane = img + (nint)c * w.InputSize;
                    int end = start + count;
                    for (int oy = start / ow, col = start; col < end; oy++)
                    {
                        int first = oy * ow, a = col - first, b = Math.Min(ow, end - first);
                        float* dst = plane + (nint)(oy * kh + ky) * iw + a * kw;
                        float* src = taps + first + a;
                        if (kw == 2) Zip2Add(src, src + ldColumns, dst, b - a);
                        else
                            for (int kx = 0; kx < kw; kx++)
                                for (int i = 0; i < b - a; i++)
                                    dst[i * kw + kx] += src[(nint)kx * ldColumns + i];
                        col = first + b;
                    }
                }
    }

    /// <summary><c>dst[2i] += a[i]; dst[2i + 1] += b[i]</c> for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Zip2Add(float* a, float* b, float* dst, int n)
    {
        int i = 0;
        // Widening each 32-bit lane to 64 bits and OR-ing in the other row shifted up interleaves them (little-endian).
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
            {
                Vector256<uint> va = Vector256.Load(a + i).AsUInt32(), vb = Vector256.Load(b + i).AsUInt32();
                var lo = (Vector256.WidenLower(va) | (Vector256.WidenLower(vb) << 32)).AsSingle();
                var hi = (Vector256.WidenUpper(va) | (Vector256.WidenUpper(vb) << 32)).AsSingle();
                (Vector256.Load(dst + 2 * i) + lo).Store(dst + 2 * i);
                (Vector256.Load(dst + 2 * i + 8) + hi).Store(dst + 2 * i + 8);
            }
        if (Vector128.IsHardwareAccelerated)
            for (; i + 4 <= n; i += 4)
            {
                Vector128<uint> va = Vector128.Load(a + i).AsUInt32(), vb = Vector128.Load(b + i).AsUInt32();
                var lo = (Vector128.WidenLower(va) | (Vector128.WidenLower(vb) << 32)).AsSingle();
                var hi = (Vector128.WidenUpper(va) | (Vector128.WidenUpper(vb) << 32)).AsSingle();
                (Vector128.Load(dst + 2 * i) + lo).Store(dst + 2 * i);
                (Vector128.Load(dst + 2 * i + 4) + hi).Store(dst + 2 * i + 4);
            }
        for (; i < n; i++)
        {
            dst[2 * i] += a[i];
            dst[2 * i + 1] += b[i];
        }
    }
}
