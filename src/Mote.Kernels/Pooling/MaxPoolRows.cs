using System.Runtime.CompilerServices;
using Mote.Kernels.Convolution;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Pooling;

/// <summary>
/// Max pooling of one plane in two passes: the horizontal window max of every input row (H × OW, in scratch),
/// then the vertical max over each output row's input rows. Max is exact, associative and commutative (NaN
/// propagates, +0 beats −0), so the result equals <see cref="PoolReference.MaxPlane"/> bit for bit.
/// </summary>
/// <remarks>
/// Why: folding all kh·kw taps into one accumulator per output vector chains kh·kw maxima, and an IEEE max
/// on x64 is four dependent instructions (vrangeps and two fixups): the 3×3 stride-2 pools ran at the chain's
/// latency, ~9 cycles per tap and vector. Here every vector of a pass is independent of its neighbours, so
/// the loop runs at the max's throughput, and an input row's horizontal max is computed once for every
/// output row whose window covers it. Horizontal strides 1 and 2 take the vector interior (stride 2 loads
/// even lanes); borders and other strides are scalar.
/// </remarks>
internal static unsafe class MaxPoolRows<TV> where TV : unmanaged, ISimdF32<TV>
{
    /// <summary>Scratch floats one plane needs.</summary>
    public static long ScratchFloats(in Window2D w) => (long)w.InputHeight * w.OutputWidth;

    public static void Plane(float* input, float* output, in Window2D w, float* rows)
    {
        if (w.StrideWidth == 1) Plane<C1>(input, output, in w, rows);
        else if (w.StrideWidth == 2) Plane<C2>(input, output, in w, rows);
        else Plane<C0>(input, output, in w, rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane<TStride>(float* input, float* output, in Window2D w, float* rows) where TStride : struct, IConstant
    {
        int h = w.InputHeight, width = w.InputWidth, ow = w.OutputWidth;
        for (int iy = 0; iy < h; iy++)
            Horizontal<TStride>(input + (nint)iy * width, rows + (nint)iy * ow, in w);
        int lanes = TV.Count;
        for (int oy = 0; oy < w.OutputHeight; oy++)
        {
            int y0 = oy * w.StrideHeight - w.PadTop, dh = w.DilationHeight;
            int kyLo = 0, kyHi = w.KernelHeight;
            while (kyLo < kyHi && y0 + kyLo * dh < 0) kyLo++;
            while (kyHi > kyLo && y0 + (kyHi - 1) * dh >= h) kyHi--;
            float* outRow = output + (nint)oy * ow;
            if (kyLo == kyHi)
            {
                new Span<float>(outRow, ow).Fill(float.NegativeInfinity);
                continue;
            }
            float* first = rows + (nint)(y0 + kyLo * dh) * ow;
            nint rowStep = (nint)dh * ow;
            int taps = kyHi - kyLo;
            if (ow < lanes)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    float m = first[ox];
                    for (int t = 1; t < taps; t++) m = MathF.Max(m, first[ox + t * rowStep]);
                    outRow[ox] = m;
                }
                continue;
            }
            // The last vector overlaps the previous one: max is idempotent and the rows are not the output.
            for (int ox = 0; ox < ow; ox += lanes)
            {
                int x = Math.Min(ox, ow - lanes);
                float* p = first + x;
                TV m = TV.Load(p);
                for (int t = 1; t < taps; t++) m = TV.Max(m, TV.Load(p + t * rowStep));
                TV.Store(outRow + x, m);
            }
        }
    }

    /// <summary>One input row's horizontal window maxima: <c>dst[ox] = max over kx of row[ox·sw − pl + kx·dw]</c>, taps inside the row only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Horizontal<TStride>(float* row, float* dst, in Window2D w) where TStride : struct, IConstant
    {
        int width = w.InputWidth, ow = w.OutputWidth, kw = w.KernelWidth, sw = w.StrideWidth, dw = w.DilationWidth, pl = w.PadLeft;
        int lanes = TV.Count;
        // Interior columns: ox·sw − pl ≥ 0 and ox·sw − pl + (kw−1)·dw ≤ W − 1.
        int oxL = Math.Min(ow, (pl + sw - 1) / sw);
        int right = width - 1 + pl - (kw - 1) * dw;
        int oxR = right < 0 ? 0 : Math.Min(ow, right / sw + 1);
        if (oxR < oxL) oxR = oxL;
        if (TStride.Value == 0 || oxR - oxL < lanes)
        {
            for (int ox = 0; ox < ow; ox++) dst[ox] = Scalar(row, ox, in w);
            return;
        }
        for (int ox = 0; ox < oxL; ox++) dst[ox] = Scalar(row, ox, in w);
        for (int ox = oxL; ox < oxR; ox += lanes)
        {
            int x = Math.Min(ox, oxR - lanes);
            float* p = row + x * TStride.Value - pl;
            TV m = Load<TStride>(p);
            for (int kx = 1; kx < kw; kx++) m = TV.Max(m, Load<TStride>(p + kx * dw));
            TV.Store(dst + x, m);
        }
        for (int ox = oxR; ox < ow; ox++) dst[ox] = Scalar(row, ox, in w);
    }

    private static float Scalar(float* row, int ox, in Window2D w)
    {
        float m = float.NegativeInfinity;
        int x0 = ox * w.StrideWidth - w.PadLeft;
        for (int kx = 0; kx < w.KernelWidth; kx++)
        {
            int ix = x0 + kx * w.DilationWidth;
            if ((uint)ix < (uint)w.InputWidth) m = MathF.Max(m, row[ix]);
        }
        return m;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Load<TStride>(float* p) where TStride : struct, IConstant =>
        TStride.Value == 2 ? TV.LoadEven(p) : TV.Load(p);
}
