using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using Mote.Kernels.Convolution;

namespace Mote.Kernels.Quantized;

/// <summary>
/// Depthwise 2-D convolution of 8-bit planes to int32 sums, the integer core of a depthwise QLinearConv or ConvInteger:
/// <c>sums[c, p] = Σ_taps (x[c, tap] − x_zero_point) · (w[c, tap] − w_zero_point[c])</c>, taps in the padding
/// contributing nothing. Each plane is copied once, zero point subtracted, into int16 column phases (the padded plane's
/// columns b, b + s, b + 2s, … for a horizontal stride s), so every tap of an output row is a contiguous run; rows are
/// summed in whole int32 vectors. Integer sums are exact, so the result equals the GEMM path's bit for bit.
/// </summary>
public static class DepthwiseConvQ8
{
    /// <summary>The sums of <paramref name="channels"/> planes into <paramref name="sums"/> (channels × OutputSize).</summary>
    /// <param name="x">The input planes, channels × InputSize 8-bit values of <paramref name="xType"/>.</param>
    /// <param name="xType">uint8 or int8.</param>
    /// <param name="xZero">The input's zero point (padding is this value, so it contributes 0).</param>
    /// <param name="w">The weights, channels × KernelSize values of <paramref name="wType"/>.</param>
    /// <param name="wType">uint8 or int8.</param>
    /// <param name="wZero">None (0), one zero point for all channels, or one per channel.</param>
    /// <param name="channels">Planes (each its own group of one input and one output channel).</param>
    /// <param name="win">The window geometry of one plane.</param>
    /// <param name="sums">The int32 sums, channels × OutputSize.</param>
    public static void Sums(ReadOnlySpan<byte> x, QuantType8 xType, int xZero, ReadOnlySpan<byte> w, QuantType8 wType, ReadOnlySpan<int> wZero,
        int channels, in Window2D win, Span<int> sums)
    {
        win.Validate();
        int taps = win.KernelSize;
        if (x.Length < (long)channels * win.InputSize || w.Length < (long)channels * taps || sums.Length < (long)channels * win.OutputSize)
            throw new ArgumentException("Input, weights or sums are shorter than the channels.");
        if (wZero.Length is not (0 or 1) && wZero.Length != channels)
            throw new ArgumentException($"{wZero.Length} weight zero points for {channels} channels.", nameof(wZero));
        var g = new PhaseGeometry(in win);
        var buffer = ArrayPool<short>.Shared.Rent(g.Elements);
        var weights = ArrayPool<int>.Shared.Rent(Math.Max(1, taps));
        try
        {
            for (int c = 0; c < channels; c++)
            {
                int wz = wZero.IsEmpty ? 0 : wZero[wZero.Length == 1 ? 0 : c];
                for (int t = 0; t < taps; t++)
                    weights[t] = wType.Read(w[c * taps + t]) - wz;
                var phases = buffer.AsSpan(0, g.Elements);
                Fill(x.Slice(c * win.InputSize, win.InputSize), xType, xZero, in win, in g, phases);
                Plane(phases, weights.AsSpan(0, taps), in win, in g, sums.Slice(c * win.OutputSize, win.OutputSize));
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(buffer);
            ArrayPool<int>.Shared.Return(weights);
        }
    }

    // The padded plane as `Stride` column phases per row: Rows × Stride × Width int16, zero outside the input.
    private readonly struct PhaseGeometry
    {
        public readonly int Rows, Stride, Width;

        public PhaseGeometry(in Window2D w)
        {
            Rows = Math.Max(w.PadTop + w.InputHeight, (w.OutputHeight - 1) * w.StrideHeight + (w.KernelHeight - 1) * w.DilationHeight + 1);
            int columns = Math.Max(w.PadLeft + w.InputWidth, (w.OutputWidth - 1) * w.StrideWidth + (w.KernelWidth - 1) * w.DilationWidth + 1);
            Stride = w.StrideWidth;
            Width = (columns + Stride - 1) / Stride;
        }

        public int Elements => Rows * Stride * Width;

        public int Offset(int row, int column) => (row * Stride + column % Stride) * Width + column / Stride;
    }

    private static void Fill(ReadOnlySpan<byte> plane, QuantType8 type, int zero, in Window2D w, in PhaseGeometry g, Span<short> phases)
    {
        phases.Clear();
        int s = g.Stride, pl = w.PadLeft;
        for (int iy = 0; iy < w.InputHeight; iy++)
        {
            var src = plane.Slice(iy * w.InputWidth, w.InputWidth);
            int row = iy + w.PadTop;
            for (int b = 0; b < s; b++)
            {
                // Phase b holds padded columns b, b + s, …: input column j·s + b − pl for j in [first, last].
                int top = w.InputWidth - 1 + pl - b;
                if (top < 0)
                    continue;
                int first = (pl - b + s - 1) / s, last = Math.Min(g.Width - 1, top / s); // both numerators ≥ 0 here
                if (first > last)
                    continue;
                var dst = phases.Slice(g.Offset(row, b) + first, last - first + 1);
                int ix = first * s + b - pl;
                if (s == 1)
                    Widen(src.Slice(ix, dst.Length), type, zero, dst);
                else
                    for (int j = 0; j < dst.Length; j++, ix += s)
                        dst[j] = (short)(type.Read(src[ix]) - zero);
            }
        }
    }

    // dst[i] = value of src[i] − zero, 16 values per vector step where the hardware has them.
    private static void Widen(ReadOnlySpan<byte> src, QuantType8 type, int zero, Span<short> dst)
    {
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var z = Vector128.Create((short)zero);
            for (; i + 16 <= src.Length; i += 16)
            {
                var v = Vector128.Create(src.Slice(i, 16));
                var (lo, hi) = type == QuantType8.QS8 ? Vector128.Widen(v.AsSByte()) : Widened(v);
                (lo - z).CopyTo(dst[i..]);
                (hi - z).CopyTo(dst[(i + 8)..]);
            }
        }
        for (; i < src.Length; i++)
            dst[i] = (short)(type.Read(src[i]) - zero);
    }

    private static (Vector128<short> Lower, Vector128<short> Upper) Widened(Vector128<byte> v)
    {
        var (lo, hi) = Vector128.Widen(v);
        return (lo.AsInt16(), hi.AsInt16());
    }

    private static void Plane(ReadOnlySpan<short> phases, ReadOnlySpan<int> weights, in Window2D w, in PhaseGeometry g, Span<int> sums)
    {
        int ow = w.OutputWidth, n = Vector<short>.Count;
        for (int oy = 0; oy < w.OutputHeight; oy++)
        {
            var acc = sums.Slice(oy * ow, ow);
            acc.Clear();
            for (int ky = 0; ky < w.KernelHeight; ky++)
                for (int kx = 0; kx < w.KernelWidth; kx++)
                {
                    int wv = weights[ky * w.KernelWidth + kx];
                    if (wv == 0)
                        continue;
                    var src = phases.Slice(g.Offset(oy * w.StrideHeight + ky * w.DilationHeight, kx * w.DilationWidth), ow);
                    var vw = new Vector<int>(wv);
                    int ox = 0;
                    for (; ox + n <= ow; ox += n)
                    {
                        Vector.Widen(new Vector<short>(src[ox..]), out Vector<int> lo, out Vector<int> hi);
                        (new Vector<int>(acc[ox..]) + lo * vw).CopyTo(acc[ox..]);
                        (new Vector<int>(acc[(ox + n / 2)..]) + hi * vw).CopyTo(acc[(ox + n / 2)..]);
                    }
                    for (; ox < ow; ox++)
                        acc[ox] += src[ox] * wv;
                }
        }
    }
}
