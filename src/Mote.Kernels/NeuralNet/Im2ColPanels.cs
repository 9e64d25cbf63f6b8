using System.Runtime.CompilerServices;
using Mote.Kernels.Convolution;
using Mote.Kernels.Simd;

namespace Mote.Kernels.NeuralNet;

/// <summary>
/// The im2col matrix of <see cref="Im2Col.Build"/> written straight into an SGEMM's B panel layout, so the
/// GEMM reads it as a packed operand (<see cref="Gemm.SgemmKernel.Gemm(Gemm.SgemmPackedA, int, float, ReadOnlySpan{float}, float, Span{float}, int, in Gemm.GemmEpilogue, Threading.KernelThreadPool?)"/>):
/// one sequential stream per panel instead of NR-wide reads from K rows a whole window apart, and no
/// packing pass of its own.
/// </summary>
/// <remarks>
/// Layout: window columns [start, start + count) are cut into panels of <c>nr</c> columns; panel p holds its
/// columns as K = channels·kh·kw rows of <c>nr</c> floats (row k at <c>p·K·nr + k·nr</c>). Columns of the last
/// panel past <c>count</c> are zero. Rows are built like <see cref="Im2ColRows"/>: per output row a zero
/// prefix, one copy (or even-lane gather for stride 2) and a zero suffix, each split at panel edges.
/// </remarks>
public static unsafe class Im2ColPanels
{
    /// <summary>Floats the panels of <paramref name="count"/> columns of depth <paramref name="k"/> take.</summary>
    public static long Floats(int k, int count, int nr) => (long)(count + nr - 1) / nr * nr * k;

    /// <summary>Fills the panels of window columns [start, start+count) (see the type remarks).</summary>
    public static void Build(ReadOnlySpan<float> image, int channels, in Window2D w, int start, int count, Span<float> panels, int nr)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nr, 1);
        int k = checked(channels * w.KernelSize);
        Im2Col.Check(image.Length, channels, in w, start, count, int.MaxValue, count);
        if (panels.Length < Floats(k, count, nr))
            throw new ArgumentException($"Panels hold {panels.Length} floats; {count} columns of depth {k} in panels of {nr} need {Floats(k, count, nr)}.", nameof(panels));
        if (count == 0 || k == 0) return;
        nint panelStride = (nint)k * nr;
        fixed (float* x = image, m = panels)
        {
            int row = 0;
            for (int c = 0; c < channels; c++)
                for (int ky = 0; ky < w.KernelHeight; ky++)
                    for (int kx = 0; kx < w.KernelWidth; kx++, row++)
                        Row(x + (nint)c * w.InputSize, in w, ky, kx, start, count, new Target(m + (nint)row * nr, panelStride, nr));
            int used = count % nr;
            if (used != 0)
            {
                float* last = m + (nint)(count / nr) * panelStride;
                for (int r = 0; r < k; r++)
                    Unsafe.InitBlockUnaligned(last + (nint)r * nr + used, 0, (uint)(nr - used) * sizeof(float));
            }
        }
    }

    // Row k of every panel: column j (relative to the window) is at Row0 + (j / nr)·PanelStride + j % nr.
    private readonly struct Target(float* row0, nint panelStride, int nr)
    {
        public void Zero(int j, int n)
        {
            while (n > 0)
            {
                int o = j % nr, take = Math.Min(n, nr - o);
                FloatRuns.Fill(row0 + (j / nr) * panelStride + o, take, 0f);
                j += take;
                n -= take;
            }
        }

        public void Copy(int j, float* src, int n, int stride)
        {
            while (n > 0)
            {
                int o = j % nr, take = Math.Min(n, nr - o);
                float* dst = row0 + (j / nr) * panelStride + o;
                if (stride == 1) FloatRuns.Copy(src, dst, take);
                else if (stride == 2) Im2ColRows.GatherEven(src, dst, take);
                else for (int i = 0; i < take; i++) dst[i] = src[i * stride];
                src += (nint)take * stride;
                j += take;
                n -= take;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row(float* plane, in Window2D w, int ky, int kx, int start, int count, Target dst)
    {
        int ow = w.OutputWidth, s = w.StrideWidth, iw = w.InputWidth;
        // Output columns [lo, hi) of any output row read inside the input row, from input column ixLo on.
        var (lo, hi) = Im2Col.ValidRange(in w, kx, 0, ow);
        int ixLo = lo * s - w.PadLeft + kx * w.DilationWidth;
        int end = start + count;
        for (int oy = start / ow, col = start; col < end; oy++)
        {
            int first = oy * ow, a = col - first, b = Math.Min(ow, end - first); // this output row's columns [a, b)
            int rel = first - start;                                               // window column of ox = 0
            int iy = oy * w.StrideHeight - w.PadTop + ky * w.DilationHeight;
            int vlo = Math.Max(lo, a), vhi = Math.Min(hi, b);
            if ((uint)iy >= (uint)w.InputHeight || vhi <= vlo)
            {
                dst.Zero(rel + a, b - a);
            }
            else
            {
                dst.Zero(rel + a, vlo - a);
                dst.Copy(rel + vlo, plane + (nint)iy * iw + ixLo + (vlo - lo) * s, vhi - vlo, s);
                dst.Zero(rel + vhi, b - vhi);
            }
            col = first + b;
        }
    }
}
