using Mote.Kernels.Gemm;

namespace Mote.Kernels.Convolution;

/// <summary>
/// Winograd F(2×2, 3×3): a 3×3, stride-1, undilated convolution of one image as 16 GEMMs on transformed tiles,
/// 2.25× fewer multiplications than direct convolution (16 per 2×2 output tile and input channel instead of 36).
/// </summary>
/// <remarks>
/// <para>Transforms (Lavin and Gray, 2015): weights <c>U = G·g·Gᵀ</c> once at packing; each 4×4 input tile
/// <c>V = Bᵀ·d·B</c> (tiles 2 apart, zero-padded); per transformed position ξ (16 of them) <c>M_ξ = U_ξ·V_ξ</c>
/// (output channels × input channels times input channels × tiles: the SGEMM does the work); each 2×2 output
/// tile <c>Y = Aᵀ·m·A</c>, plus bias and activation. F(2,3)'s transforms only add, subtract and halve, so its
/// rounding error stays within a few ulp of direct convolution (measured in the kernel tests); larger tiles
/// (F(4,3): 4× fewer multiplications) trade that for errors that grow with the tile.</para>
/// <para>Layout: input C planes of H×W, output M planes of OH×OW (NCHW, one image). Scratch: <see cref="ScratchFloats"/>.</para>
/// </remarks>
public sealed unsafe class Winograd2x3
{
    private readonly SgemmKernel _sgemm;
    private readonly SgemmPackedA[] _u; // per ξ: U_ξ, M×C, packed

    /// <summary>Whether <paramref name="w"/> is a window this kernel computes: 3×3, stride 1, dilation 1.</summary>
    public static bool Fits(in Window2D w) =>
        w.KernelHeight == 3 && w.KernelWidth == 3 && w.StrideHeight == 1 && w.StrideWidth == 1 && w.DilationHeight == 1 && w.DilationWidth == 1;

    /// <summary>Transforms and packs <paramref name="weights"/> (M×C×3×3) for <paramref name="sgemm"/>.</summary>
    public Winograd2x3(SgemmKernel sgemm, ReadOnlySpan<float> weights, int outputs, int inputs)
    {
        ArgumentNullException.ThrowIfNull(sgemm);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        if (weights.Length < (long)outputs * inputs * 9) throw new ArgumentException("Weights are smaller than M·C·3·3.", nameof(weights));
        _sgemm = sgemm;
        Outputs = outputs;
        Inputs = inputs;
        var u = new float[16 * outputs * inputs];
        Span<float> gg = stackalloc float[12];
        for (int o = 0; o < outputs; o++)
            for (int c = 0; c < inputs; c++)
            {
                var g = weights.Slice((o * inputs + c) * 9, 9);
                // G·g (4×3), then (G·g)·Gᵀ (4×4).
                for (int j = 0; j < 3; j++)
                {
                    float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
                    gg[j] = g0;
                    gg[3 + j] = 0.5f * (g0 + g1 + g2);
                    gg[6 + j] = 0.5f * (g0 - g1 + g2);
                    gg[9 + j] = g2;
                }
                for (int i = 0; i < 4; i++)
                {
                    float r0 = gg[3 * i], r1 = gg[3 * i + 1], r2 = gg[3 * i + 2];
                    u[((4 * i + 0) * outputs + o) * inputs + c] = r0;
                    u[((4 * i + 1) * outputs + o) * inputs + c] = 0.5f * (r0 + r1 + r2);
                    u[((4 * i + 2) * outputs + o) * inputs + c] = 0.5f * (r0 - r1 + r2);
                    u[((4 * i + 3) * outputs + o) * inputs + c] = r2;
                }
            }
        _u = new SgemmPackedA[16];
        for (int xi = 0; xi < 16; xi++)
            _u[xi] = sgemm.PackA(false, outputs, inputs, u.AsSpan(xi * outputs * inputs, outputs * inputs), inputs);
    }

    /// <summary>Output channels (M).</summary>
    public int Outputs { get; }

    /// <summary>Input channels (C).</summary>
    public int Inputs { get; }

    private static int Tiles(in Window2D w) => (w.OutputHeight + 1) / 2 * ((w.OutputWidth + 1) / 2);

    /// <summary>Scratch floats <see cref="Compute"/> needs for <paramref name="w"/>: transformed inputs and products, 16 × (C + M) × tiles.</summary>
    public long ScratchFloats(in Window2D w) => 16L * (Inputs + Outputs) * Tiles(in w);

    /// <summary>The convolution of one image, bias and activation fused into the output transform.</summary>
    public void Compute(ReadOnlySpan<float> input, in Window2D w, ReadOnlySpan<float> bias, Activation activation, Span<float> output, Span<float> scratch)
    {
        if (!Fits(in w)) throw new ArgumentException("Winograd F(2,3) takes 3×3, stride-1, undilated windows.", nameof(w));
        w.Validate();
        int tiles = Tiles(in w);
        if (input.Length < (long)Inputs * w.InputSize) throw new ArgumentException("Input is smaller than C·H·W.", nameof(input));
        if (output.Length < (long)Outputs * w.OutputSize) throw new ArgumentException("Output is smaller than M·OH·OW.", nameof(output));
        if (bias.Length != 0 && bias.Length < Outputs) throw new ArgumentException("Bias is shorter than M.", nameof(bias));
        if (scratch.Length < ScratchFloats(in w)) throw new ArgumentException("Scratch is smaller than ScratchFloats.", nameof(scratch));
        if (tiles == 0) return;
        var v = scratch[..(16 * Inputs * tiles)];
        var m = scratch.Slice(16 * Inputs * tiles, 16 * Outputs * tiles);
        fixed (float* x = input, pv = v)
            for (int c = 0; c < Inputs; c++)
                TransformInput(x + (long)c * w.InputSize, in w, pv + (long)c * tiles, (long)Inputs * tiles);
        for (int xi = 0; xi < 16; xi++)
            _sgemm.Gemm(_u[xi], false, tiles, 1f, v.Slice(xi * Inputs * tiles, Inputs * tiles), tiles, 0f, m.Slice(xi * Outputs * tiles, Outputs * tiles), tiles);
        fixed (float* pm = m, y = output, pb = bias)
            for (int o = 0; o < Outputs; o++)
                TransformOutput(pm + (long)o * tiles, (long)Outputs * tiles, in w, pb == null ? 0f : pb[o], activation, y + (long)o * w.OutputSize);
    }

    // V = Bᵀ·d·B of every 4×4 tile of one channel; element (i, j) of tile t goes to v[(4i + j)·xiStride + t].
    private static void TransformInput(float* x, in Window2D w, float* v, long xiStride)
    {
        int h = w.InputHeight, width = w.InputWidth, tw = (w.OutputWidth + 1) / 2, th = (w.OutputHeight + 1) / 2;
        float* d = stackalloc float[16];
        float* t = stackalloc float[16];
        for (int ty = 0; ty < th; ty++)
            for (int tx = 0; tx < tw; tx++)
            {
                int y0 = 2 * ty - w.PadTop, x0 = 2 * tx - w.PadLeft;
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++)
                    {
                        int iy = y0 + i, ix = x0 + j;
                        d[4 * i + j] = (uint)iy < (uint)h && (uint)ix < (uint)width ? x[(long)iy * width + ix] : 0f;
                    }
                // Bᵀ·d (rows), then ·B (columns).
                for (int j = 0; j < 4; j++)
                {
                    float d0 = d[j], d1 = d[4 + j], d2 = d[8 + j], d3 = d[12 + j];
                    t[j] = d0 - d2;
                    t[4 + j] = d1 + d2;
                    t[8 + j] = d2 - d1;
                    t[12 + j] = d1 - d3;
                }
                long tile = (long)ty * tw + tx;
                for (int i = 0; i < 4; i++)
                {
                    float r0 = t[4 * i], r1 = t[4 * i + 1], r2 = t[4 * i + 2], r3 = t[4 * i + 3];
                    v[(4 * i + 0) * xiStride + tile] = r0 - r2;
                    v[(4 * i + 1) * xiStride + tile] = r1 + r2;
                    v[(4 * i + 2) * xiStride + tile] = r2 - r1;
                    v[(4 * i + 3) * xiStride + tile] = r1 - r3;
                }
            }
    }

    // Y = Aᵀ·m·A of every tile of one output channel, + bias, activation; outputs past OH×OW dropped.
    private static void TransformOutput(float* m, long xiStride, in Window2D w, float bias, Activation activation, float* y)
    {
        int oh = w.OutputHeight, ow = w.OutputWidth, tw = (ow + 1) / 2, th = (oh + 1) / 2;
        float* s = stackalloc float[16];
        float* r = stackalloc float[8];
        for (int ty = 0; ty < th; ty++)
            for (int tx = 0; tx < tw; tx++)
            {
                long tile = (long)ty * tw + tx;
                for (int k = 0; k < 16; k++) s[k] = m[k * xiStride + tile];
                // Aᵀ·m (2×4), then ·A (2×2).
                for (int j = 0; j < 4; j++)
                {
                    r[j] = s[j] + s[4 + j] + s[8 + j];
                    r[4 + j] = s[4 + j] - s[8 + j] - s[12 + j];
                }
                for (int i = 0; i < 2; i++)
                {
                    int oy = 2 * ty + i;
                    if (oy >= oh) break;
                    float a = r[4 * i] + r[4 * i + 1] + r[4 * i + 2], b = r[4 * i + 1] - r[4 * i + 2] - r[4 * i + 3];
                    int ox = 2 * tx;
                    y[(long)oy * ow + ox] = activation.Apply(a + bias);
                    if (ox + 1 < ow) y[(long)oy * ow + ox + 1] = activation.Apply(b + bias);
                }
            }
    }
}
