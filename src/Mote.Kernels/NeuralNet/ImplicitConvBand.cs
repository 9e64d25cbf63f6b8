using System.Runtime.CompilerServices;
using Mote.Kernels.Convolution;

namespace Mote.Kernels.NeuralNet;

/// <summary>
/// Convolution as an implicit GEMM, for stride 1: a band of output rows is computed from a zero-padded copy
/// of the input rows it reads, and the GEMM's B operand is K = channels·kh·kw row pointers into that copy
/// (<see cref="Gemm.SgemmKernel.Gemm(Gemm.SgemmPackedA, int, float, float**, float, Span{float}, int, in Gemm.GemmEpilogue, Threading.KernelThreadPool?)"/>),
/// so no im2col matrix is written: each input value is copied once instead of kh·kw times.
/// </summary>
/// <remarks>
/// Layout. The band holds, per channel, <see cref="InputRows"/> padded rows of <see cref="PaddedWidth"/>
/// floats (W + left + right padding), zero outside the input. Output (oy0 + r, ox) of the band is GEMM column
/// <c>q = r·Ws + ox</c>; tap (c, ky, kx) reads band element <c>q + (c·rows + ky·dh)·Ws + kx·dw</c>, so row k of B
/// starts at that offset and its columns are contiguous. Columns with ox ≥ OW are computed and dropped by
/// the caller. The band ends with <see cref="Slack"/> floats so the last register tile's whole vectors stay
/// inside it.
/// </remarks>
public static unsafe class ImplicitConvBand
{
    /// <summary>Whether a window runs this way: stride 1 in both directions.</summary>
    public static bool Fits(in Window2D w) => w.StrideHeight == 1 && w.StrideWidth == 1;

    /// <summary>Padded row width Ws = W + left + right padding.</summary>
    public static int PaddedWidth(in Window2D w) => w.InputWidth + w.PadLeft + w.PadRight;

    /// <summary>Input rows a band of <paramref name="outputRows"/> output rows reads.</summary>
    public static int InputRows(in Window2D w, int outputRows) => outputRows + (w.KernelHeight - 1) * w.DilationHeight;

    /// <summary>GEMM columns of a band of <paramref name="outputRows"/> output rows: (rows − 1)·Ws + OW.</summary>
    public static int Columns(in Window2D w, int outputRows) => (outputRows - 1) * PaddedWidth(w) + w.OutputWidth;

    /// <summary>Floats after the band that the GEMM's last panel may read (one panel of <paramref name="tileColumns"/>).</summary>
    public static int Slack(int tileColumns) => tileColumns;

    /// <summary>Floats of a band of <paramref name="outputRows"/> output rows, slack included.</summary>
    public static long Floats(in Window2D w, int channels, int outputRows, int tileColumns) =>
        (long)channels * InputRows(in w, outputRows) * PaddedWidth(in w) + Slack(tileColumns);

    /// <summary>Fills the band for output rows [oy0, oy0 + outputRows) of <paramref name="channels"/> input planes.</summary>
    public static void Fill(float* image, int channels, in Window2D w, int oy0, int outputRows, float* band, int tileColumns)
    {
        int ws = PaddedWidth(in w), rows = InputRows(in w, outputRows), width = w.InputWidth;
        for (int c = 0; c < channels; c++)
        {
            float* plane = image + (nint)c * w.InputSize;
            float* dst = band + (nint)c * rows * ws;
            for (int r = 0; r < rows; r++, dst += ws)
            {
                int iy = oy0 - w.PadTop + r;
                if ((uint)iy >= (uint)w.InputHeight)
                {
                    Unsafe.InitBlockUnaligned(dst, 0, (uint)ws * sizeof(float));
                    continue;
                }
                for (int i = 0; i < w.PadLeft; i++) dst[i] = 0f;
                Unsafe.CopyBlockUnaligned(dst + w.PadLeft, plane + (nint)iy * width, (uint)width * sizeof(float));
                for (int i = w.PadLeft + width; i < ws; i++) dst[i] = 0f;
            }
        }
        Unsafe.InitBlockUnaligned(band + (nint)channels * rows * ws, 0, (uint)Slack(tileColumns) * sizeof(float));
    }

    /// <summary>The K = channels·kh·kw row pointers of B, in the weights' (c, ky, kx) order.</summary>
    public static void Pointers(float* band, int channels, in Window2D w, int outputRows, float** rowsOut)
    {
        int ws = PaddedWidth(in w), rows = InputRows(in w, outputRows), k = 0;
        for (int c = 0; c < channels; c++)
            for (int ky = 0; ky < w.KernelHeight; ky++)
                for (int kx = 0; kx < w.KernelWidth; kx++)
                    rowsOut[k++] = band + ((nint)c * rows + ky * w.DilationHeight) * ws + kx * w.DilationWidth;
    }
}
