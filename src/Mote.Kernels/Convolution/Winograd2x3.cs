using Mote.Kernels.Gemm;
using Mote.Kernels.Simd;

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
    private readonly int _lanes; // the tile transforms use at most the SGEMM variant's vector width (0: scalar)
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
        _lanes = sgemm.Tier switch { KernelTier.Avx512 => 16, KernelTier.Avx2 => 8, KernelTier.Vector128 => 4, _ => 0 };
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

    /// <summary>Scratch floats <see cref="Compute"/> needs for <paramref name="w"/>: transformed inputs and products, 16 × (C + M) × tiles, and one zero-padded input plane.</summary>
    public long ScratchFloats(in Window2D w) => 16L * (Inputs + Outputs) * Tiles(in w) + PaddedFloats(in w);

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
        var padded = scratch.Slice(16 * (Inputs + Outputs) * tiles, PaddedFloats(in w));
        int tw = (w.OutputWidth + 1) / 2;
        fixed (float* x = input, pv = v, pp = padded)
            for (int c = 0; c < Inputs; c++)
            {
                float* plane = x + (long)c * w.InputSize, vc = pv + (long)c * tiles;
                long stride = (long)Inputs * tiles;
                if (_lanes >= 16 && tw >= 16) InputVectors<F32x16>(plane, in w, pp, vc, stride);
                else if (_lanes >= 8 && tw >= 8) InputVectors<F32x8>(plane, in w, pp, vc, stride);
                else if (_lanes >= 4 && tw >= 4) InputVectors<F32x4>(plane, in w, pp, vc, stride);
                else TransformInput(plane, in w, vc, stride);
            }
        for (int xi = 0; xi < 16; xi++)
            _sgemm.Gemm(_u[xi], false, tiles, 1f, v.Slice(xi * Inputs * tiles, Inputs * tiles), tiles, 0f, m.Slice(xi * Outputs * tiles, Outputs * tiles), tiles);
        fixed (float* pm = m, y = output, pb = bias)
            for (int o = 0; o < Outputs; o++)
            {
                float* mo = pm + (long)o * tiles, yo = y + (long)o * w.OutputSize;
                long stride = (long)Outputs * tiles;
                float b = pb == null ? 0f : pb[o];
                if (_lanes >= 16 && tw >= 16) OutputVectors<F32x16>(mo, stride, in w, b, activation, yo);
                else if (_lanes >= 8 && tw >= 8) OutputVectors<F32x8>(mo, stride, in w, b, activation, yo);
                else if (_lanes >= 4 && tw >= 4) OutputVectors<F32x4>(mo, stride, in w, b, activation, yo);
                else TransformOutput(mo, stride, in w, b, activation, yo);
            }
    }

    // The zero-padded copy of one input plane the vector input transform reads: 2·TH + 2 rows of 2·TW + 2 floats.
    private static int PaddedFloats(in Window2D w) => (2 * ((w.OutputHeight + 1) / 2) + 2) * (2 * ((w.OutputWidth + 1) / 2) + 2);

    // Vᵀ of every tile of one channel, TV.Count tiles of a tile row at a time (the last group of a row overlaps the
    // previous one: the same tiles get the same values); the same operations in the same order as TransformInput.
    private static void InputVectors<TV>(float* x, in Window2D w, float* padded, float* v, long xiStride) where TV : unmanaged, ISimdF32<TV>
    {
        int th = (w.OutputHeight + 1) / 2, tw = (w.OutputWidth + 1) / 2, wp = 2 * tw + 2, hp = 2 * th + 2, lanes = TV.Count;
        int h = w.InputHeight, width = w.InputWidth, pt = w.PadTop, pl = w.PadLeft;
        // Padded row r holds input row r − pt from column pl on; everything else is zero.
        int c0 = Math.Min(wp, pl), n = Math.Clamp(width, 0, wp - c0);
        for (int r = 0; r < hp; r++)
        {
            float* row = padded + (long)r * wp;
            int iy = r - pt;
            if ((uint)iy >= (uint)h || n == 0)
            {
                FloatRuns.Fill(row, wp, 0f);
                continue;
            }
            FloatRuns.Fill(row, c0, 0f);
            FloatRuns.Copy(x + (long)iy * width, row + c0, n);
            FloatRuns.Fill(row + c0 + n, wp - c0 - n, 0f);
        }
        for (int ty = 0; ty < th; ty++)
            for (int next = 0; next < tw; next += lanes)
            {
                int tx = Math.Min(next, tw - lanes);
                float* p = padded + (long)(2 * ty) * wp + 2 * tx;
                TV d00 = TV.LoadEven(p), d01 = TV.LoadEven(p + 1), d02 = TV.LoadEven(p + 2), d03 = TV.LoadEven(p + 3);
                p += wp;
                TV d10 = TV.LoadEven(p), d11 = TV.LoadEven(p + 1), d12 = TV.LoadEven(p + 2), d13 = TV.LoadEven(p + 3);
                p += wp;
                TV d20 = TV.LoadEven(p), d21 = TV.LoadEven(p + 1), d22 = TV.LoadEven(p + 2), d23 = TV.LoadEven(p + 3);
                p += wp;
                TV d30 = TV.LoadEven(p), d31 = TV.LoadEven(p + 1), d32 = TV.LoadEven(p + 2), d33 = TV.LoadEven(p + 3);
                // Bᵀ·d: t_ij from column j of rows 0..3.
                TV t00 = TV.Subtract(d00, d20), t01 = TV.Subtract(d01, d21), t02 = TV.Subtract(d02, d22), t03 = TV.Subtract(d03, d23);
                TV t10 = TV.Add(d10, d20), t11 = TV.Add(d11, d21), t12 = TV.Add(d12, d22), t13 = TV.Add(d13, d23);
                TV t20 = TV.Subtract(d20, d10), t21 = TV.Subtract(d21, d11), t22 = TV.Subtract(d22, d12), t23 = TV.Subtract(d23, d13);
                TV t30 = TV.Subtract(d10, d30), t31 = TV.Subtract(d11, d31), t32 = TV.Subtract(d12, d32), t33 = TV.Subtract(d13, d33);
                float* o = v + (long)ty * tw + tx;
                InputRow(o, 0, xiStride, t00, t01, t02, t03);
                InputRow(o, 1, xiStride, t10, t11, t12, t13);
                InputRow(o, 2, xiStride, t20, t21, t22, t23);
                InputRow(o, 3, xiStride, t30, t31, t32, t33);
            }
    }

    // (Bᵀ·d)·B for row i of a group: V_i0..V_i3.
    private static void InputRow<TV>(float* o, int i, long xiStride, TV r0, TV r1, TV r2, TV r3) where TV : unmanaged, ISimdF32<TV>
    {
        TV.Store(o + (4 * i + 0) * xiStride, TV.Subtract(r0, r2));
        TV.Store(o + (4 * i + 1) * xiStride, TV.Add(r1, r2));
        TV.Store(o + (4 * i + 2) * xiStride, TV.Subtract(r2, r1));
        TV.Store(o + (4 * i + 3) * xiStride, TV.Subtract(r1, r3));
    }

    // Y = Aᵀ·m·A of TV.Count tiles of a tile row at a time, + bias, activation; the two columns of each tile are
    // interleaved from a small buffer into the output rows. The same operations in the same order as TransformOutput.
    private static void OutputVectors<TV>(float* m, long xiStride, in Window2D w, float bias, Activation activation, float* y)
        where TV : unmanaged, ISimdF32<TV>
    {
        int oh = w.OutputHeight, ow = w.OutputWidth, tw = (ow + 1) / 2, th = (oh + 1) / 2, lanes = TV.Count;
        float* left = stackalloc float[lanes];
        float* right = stackalloc float[lanes];
        TV vb = TV.Splat(bias);
        for (int ty = 0; ty < th; ty++)
            for (int next = 0; next < tw; next += lanes)
            {
                int tx = Math.Min(next, tw - lanes);
                float* s = m + (long)ty * tw + tx;
                // Aᵀ·m: r0_j = s0j + s1j + s2j, r1_j = s1j − s2j − s3j (s_ij at ξ = 4i + j).
                TV r00 = TV.Add(TV.Add(TV.Load(s), TV.Load(s + 4 * xiStride)), TV.Load(s + 8 * xiStride));
                TV r01 = TV.Add(TV.Add(TV.Load(s + 1 * xiStride), TV.Load(s + 5 * xiStride)), TV.Load(s + 9 * xiStride));
                TV r02 = TV.Add(TV.Add(TV.Load(s + 2 * xiStride), TV.Load(s + 6 * xiStride)), TV.Load(s + 10 * xiStride));
                TV r03 = TV.Add(TV.Add(TV.Load(s + 3 * xiStride), TV.Load(s + 7 * xiStride)), TV.Load(s + 11 * xiStride));
                TV r10 = TV.Subtract(TV.Subtract(TV.Load(s + 4 * xiStride), TV.Load(s + 8 * xiStride)), TV.Load(s + 12 * xiStride));
                TV r11 = TV.Subtract(TV.Subtract(TV.Load(s + 5 * xiStride), TV.Load(s + 9 * xiStride)), TV.Load(s + 13 * xiStride));
                TV r12 = TV.Subtract(TV.Subtract(TV.Load(s + 6 * xiStride), TV.Load(s + 10 * xiStride)), TV.Load(s + 14 * xiStride));
                TV r13 = TV.Subtract(TV.Subtract(TV.Load(s + 7 * xiStride), TV.Load(s + 11 * xiStride)), TV.Load(s + 15 * xiStride));
                OutputRow(2 * ty, tx, r00, r01, r02, r03, vb, activation, left, right, y, oh, ow);
                OutputRow(2 * ty + 1, tx, r10, r11, r12, r13, vb, activation, left, right, y, oh, ow);
            }
    }

    // Output row oy of a group: columns 2·tx + 2k (r0 + r1 + r2) and 2·tx + 2k + 1 (r1 − r2 − r3), + bias, activated.
    private static void OutputRow<TV>(int oy, int tx, TV r0, TV r1, TV r2, TV r3, TV bias, Activation activation,
        float* left, float* right, float* y, int oh, int ow) where TV : unmanaged, ISimdF32<TV>
    {
        if (oy >= oh)
            return;
        TV.Store(left, ActivationSimd.Apply(TV.Add(TV.Add(TV.Add(r0, r1), r2), bias), activation));
        TV.Store(right, ActivationSimd.Apply(TV.Add(TV.Subtract(TV.Subtract(r1, r2), r3), bias), activation));
        float* row = y + (long)oy * ow + 2 * tx;
        int lanes = TV.Count, cols = ow - 2 * tx;
        for (int k = 0; k < lanes; k++)
        {
            row[2 * k] = left[k];
            if (2 * k + 1 < cols) row[2 * k + 1] = right[k];
        }
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
