using Mote.Kernels.NeuralNet;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Convolution;

/// <summary>
/// One phase of a padded input plane, the building block that turns strided windows into stride-1 ones
/// (<see cref="WindowFlat{TV, TOp}"/>, <see cref="ImplicitConvBand"/>): with strides sh×sw, phase (a, b) holds the
/// padded input's rows a, a + sh, … and columns b, b + sw, …, and every tap of a strided window is then a shift
/// within one phase. Rows of the phase are <c>ws</c> floats; elements outside the input hold the pad value.
/// </summary>
internal static unsafe class PhasePlane
{
    /// <summary>Phase row width Ws = OW + ⌊(kw − 1)·dw / sw⌋: every output column's taps stay within a row.</summary>
    public static int Width(in Window2D w) => w.OutputWidth + (w.KernelWidth - 1) * w.DilationWidth / w.StrideWidth;

    /// <summary>Phase rows that <paramref name="outputRows"/> output rows read: + ⌊(kh − 1)·dh / sh⌋.</summary>
    public static int Rows(in Window2D w, int outputRows) => outputRows + (w.KernelHeight - 1) * w.DilationHeight / w.StrideHeight;

    /// <summary>
    /// Writes <paramref name="rows"/> rows of phase (<paramref name="a"/>, <paramref name="b"/>) starting at phase row
    /// <paramref name="firstRow"/> (padded row <c>(firstRow + r)·sh + a</c>, column j = padded column <c>j·sw + b</c>).
    /// </summary>
    public static void Fill(float* input, in Window2D w, int firstRow, int a, int b, int rows, int ws, float pad, float* dst)
    {
        int sh = w.StrideHeight, sw = w.StrideWidth, width = w.InputWidth;
        // Columns j whose input column j·sw + b − pl lies in [0, W): j in [j0, j1).
        int first = w.PadLeft - b, last = width - 1 + w.PadLeft - b;
        int j0 = Math.Min(first <= 0 ? 0 : (first + sw - 1) / sw, ws);
        int j1 = Math.Clamp(last < 0 ? 0 : last / sw + 1, j0, ws);
        for (int r = 0; r < rows; r++, dst += ws)
        {
            int iy = (firstRow + r) * sh + a - w.PadTop;
            if ((uint)iy >= (uint)w.InputHeight || j1 == j0)
            {
                FloatRuns.Fill(dst, ws, pad);
                continue;
            }
            for (int j = 0; j < j0; j++) dst[j] = pad;
            float* src = input + (nint)iy * width + (j0 * sw + b - w.PadLeft);
            int n = j1 - j0;
            if (sw == 1) FloatRuns.Copy(src, dst + j0, n);
            else if (sw == 2) Im2ColRows.GatherEven(src, dst + j0, n);
            else for (int j = 0; j < n; j++) dst[j0 + j] = src[j * sw];
            for (int j = j1; j < ws; j++) dst[j] = pad;
        }
    }
}
