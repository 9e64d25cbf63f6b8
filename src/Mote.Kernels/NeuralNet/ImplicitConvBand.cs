using Mote.Kernels.Convolution;
using Mote.Kernels.Simd;

namespace Mote.Kernels.NeuralNet;

/// <summary>
/// Convolution as an implicit GEMM: a band of output rows is computed from a zero-padded copy of the input
/// rows it reads, and the GEMM's B operand is K = channels·kh·kw row pointers into that copy
/// (<see cref="Gemm.SgemmKernel.Gemm(Gemm.SgemmPackedA, int, float, float**, float, Span{float}, int, in Gemm.GemmEpilogue, Threading.KernelThreadPool?)"/>),
/// so no im2col matrix is written: each input value is copied once instead of kh·kw times.
/// </summary>
/// <remarks>
/// <para>Phases. With strides sh×sw each channel's padded rows are split into sh·sw phase planes, phase
/// (a, b) holding padded rows a, a + sh, … and columns b, b + sw, … (for stride 1, the padded rows
/// themselves). Tap (ky, kx) of output (oy, ox) is element (oy + ⌊ky·dh/sh⌋, ox + ⌊kx·dw/sw⌋) of phase
/// (ky·dh mod sh, kx·dw mod sw), so every tap is a stride-1 shift of some phase plane.</para>
/// <para>Layout. A phase plane of the band has <see cref="PhaseRows"/> rows of <see cref="PhaseWidth"/> Ws
/// floats, zero outside the input; channel c's planes follow one another. Output (oy0 + r, ox) of the band is
/// GEMM column <c>q = r·Ws + ox</c>, so row k of B is a contiguous run starting at a fixed offset. Columns with
/// ox ≥ OW are computed and dropped by the caller. The band ends with <see cref="Slack"/> floats so the last
/// register tile's whole vectors stay inside it.</para>
/// </remarks>
public static unsafe class ImplicitConvBand
{
    /// <summary>Largest stride handled (the phase count grows with its square).</summary>
    public const int MaxStride = 2;

    /// <summary>Whether a window runs this way: strides up to <see cref="MaxStride"/>.</summary>
    public static bool Fits(in Window2D w) => w.StrideHeight <= MaxStride && w.StrideWidth <= MaxStride;

    /// <summary>Phase row width Ws = OW + ⌊(kw − 1)·dw / sw⌋ (for stride 1, the padded input width).</summary>
    public static int PhaseWidth(in Window2D w) => PhasePlane.Width(in w);

    /// <summary>Rows of each phase plane for a band of <paramref name="outputRows"/> output rows.</summary>
    public static int PhaseRows(in Window2D w, int outputRows) => PhasePlane.Rows(in w, outputRows);

    /// <summary>GEMM columns of a band of <paramref name="outputRows"/> output rows: (rows − 1)·Ws + OW.</summary>
    public static int Columns(in Window2D w, int outputRows) => (outputRows - 1) * PhaseWidth(w) + w.OutputWidth;

    /// <summary>Floats after the band that the GEMM's last panel may read (one panel of <paramref name="tileColumns"/>).</summary>
    public static int Slack(int tileColumns) => tileColumns;

    /// <summary>Floats of a band of <paramref name="outputRows"/> output rows, slack included.</summary>
    public static long Floats(in Window2D w, int channels, int outputRows, int tileColumns) =>
        (long)channels * w.StrideHeight * w.StrideWidth * PhaseRows(in w, outputRows) * PhaseWidth(in w) + Slack(tileColumns);

    /// <summary>Fills the band for output rows [oy0, oy0 + outputRows) of <paramref name="channels"/> input planes.</summary>
    public static void Fill(float* image, int channels, in Window2D w, int oy0, int outputRows, float* band, int tileColumns)
    {
        int sh = w.StrideHeight, sw = w.StrideWidth, ws = PhaseWidth(in w), rows = PhaseRows(in w, outputRows);
        nint plane = (nint)rows * ws;
        float* dst = band;
        for (int c = 0; c < channels; c++)
        {
            float* input = image + (nint)c * w.InputSize;
            for (int a = 0; a < sh; a++)
                for (int b = 0; b < sw; b++, dst += plane)
                    PhasePlane.Fill(input, in w, oy0, a, b, rows, ws, 0f, dst);
        }
        FloatRuns.Fill(dst, Slack(tileColumns), 0f);
    }

    /// <summary>The K = channels·kh·kw row pointers of B, in the weights' (c, ky, kx) order.</summary>
    public static void Pointers(float* band, int channels, in Window2D w, int outputRows, float** rowsOut)
    {
        int sh = w.StrideHeight, sw = w.StrideWidth, ws = PhaseWidth(in w), k = 0;
        nint plane = (nint)PhaseRows(in w, outputRows) * ws;
        for (int c = 0; c < channels; c++)
            for (int ky = 0; ky < w.KernelHeight; ky++)
                for (int kx = 0; kx < w.KernelWidth; kx++)
                {
                    int dy = ky * w.DilationHeight, dx = kx * w.DilationWidth;
                    float* phase = band + ((nint)c * sh * sw + dy % sh * sw + dx % sw) * plane;
                    rowsOut[k++] = phase + (nint)(dy / sh) * ws + dx / sw;
                }
    }

    /// <summary>
    /// Copies a band's GEMM results (<paramref name="channels"/> rows of <see cref="Columns"/> floats, each output row
    /// <see cref="PhaseWidth"/> apart) into the output planes (<paramref name="outputRows"/> rows of OutputWidth at
    /// <paramref name="output"/>, planes <paramref name="planeStride"/> apart), dropping the phase columns.
    /// </summary>
    public static void CopyRows(float* results, int channels, in Window2D w, int outputRows, float* output, long planeStride)
    {
        int n = Columns(in w, outputRows), ws = PhaseWidth(in w), ow = w.OutputWidth;
        for (int o = 0; o < channels; o++)
            for (int r = 0; r < outputRows; r++)
                FloatRuns.Copy(results + (long)o * n + (long)r * ws, output + o * planeStride + (long)r * ow, ow);
    }
}
