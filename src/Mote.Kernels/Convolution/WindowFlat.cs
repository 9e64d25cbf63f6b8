using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Convolution;

/// <summary>
/// Slides a 2-D window over one plane as one long 1-D loop, for depthwise convolution and max pooling on
/// the small planes of late layers, where a row of outputs is narrower than a few vectors and a row-by-row
/// loop would run short, latency-bound dependency chains or fall back to scalar code.
/// </summary>
/// <remarks>
/// <para>Phases. With strides sh×sw the (zero- or −∞-) padded input is split into sh·sw phase planes,
/// phase (a, b) holding padded rows a, a+sh, … and columns b, b+sw, …. Tap (ky, kx) of output (oy, ox) is
/// then element (oy + ⌊ky·dh/sh⌋, ox + ⌊kx·dw/sw⌋) of phase (ky·dh mod sh, kx·dw mod sw): every stride and
/// dilation becomes a stride-1 window on some phase. Each phase plane is Hs×Ws with
/// <c>Hs = OH + ⌊(kh−1)·dh/sh⌋</c> and <c>Ws = OW + ⌊(kw−1)·dw/sw⌋</c>.</para>
/// <para>Flat loop. Output (oy, ox) is computed at flat index <c>q = oy·Ws + ox</c>, so a tap is a fixed
/// offset from q and the whole plane is one loop of full vectors, four independent accumulators at a
/// time. The <c>Ws − OW</c> columns per row that are not outputs are computed and dropped when the
/// results are copied out; the finish (activation) runs on the flat results before that copy.</para>
/// <para>Taps are folded in (ky, kx) order like <see cref="WindowDriver{TV, TOp}"/>, but padded taps are
/// folded too (with <see cref="IWindowOp{TV}.PadValue"/>), so the op must be one where that changes
/// nothing: a convolution (adding 0·w) or max pooling (−∞); not average pooling with padding.</para>
/// <para>Scratch: <see cref="ScratchFloats"/> floats, 64-byte aligned. Reads only inside the input plane.</para>
/// </remarks>
internal static unsafe class WindowFlat<TV, TOp>
    where TV : unmanaged, ISimdF32<TV>
    where TOp : struct, IWindowOp<TV>
{
    /// <summary>Largest stride handled (the phase count grows with its square).</summary>
    public const int MaxStride = 4;

    /// <summary>Whether the window can run here: strides up to <see cref="MaxStride"/> and a plane small enough for the flat loop to pay.</summary>
    public static bool Fits(in Window2D w) =>
        w.StrideHeight <= MaxStride && w.StrideWidth <= MaxStride && w.OutputSize > 0;

    /// <summary>Scratch floats one plane needs: the phase planes, each with a vector of slack, then the flat results (and a vector of slack).</summary>
    public static long ScratchFloats(in Window2D w)
    {
        Shape(in w, out int hs, out int ws, out long flat);
        return (long)w.StrideHeight * w.StrideWidth * PhaseStride(hs, ws) + flat + TV.Count;
    }

    // Whole vectors covering the outputs' flat range (OH−1)·Ws + OW.
    private static void Shape(in Window2D w, out int hs, out int ws, out long flat)
    {
        hs = PhasePlane.Rows(in w, w.OutputHeight);
        ws = PhasePlane.Width(in w);
        long used = (long)(w.OutputHeight - 1) * ws + w.OutputWidth;
        flat = (used + TV.Count - 1) / TV.Count * TV.Count;
    }

    // A phase plane plus one vector of slack, rounded to whole cache lines: the last flat vector may read up
    // to a vector past Hs·Ws.
    private static long PhaseStride(int hs, int ws) => ((long)hs * ws + TV.Count + 15) & ~15L;

    /// <summary>
    /// Where each tap (ky, kx) reads in <paramref name="scratch"/>'s phase planes, for <see cref="Plane"/>: the same for
    /// every plane of a window, so made once per batch of planes (the divisions by the strides cost as much as a
    /// small plane's arithmetic). <paramref name="tap"/> holds <c>KernelHeight·KernelWidth</c> pointers.
    /// </summary>
    public static void Taps(in Window2D w, float* scratch, float** tap)
    {
        Shape(in w, out int hs, out int ws, out _);
        long phaseStride = PhaseStride(hs, ws);
        int sh = w.StrideHeight, sw = w.StrideWidth, kw = w.KernelWidth;
        for (int ky = 0; ky < w.KernelHeight; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int dy = ky * w.DilationHeight, dx = kx * w.DilationWidth;
                float* phase = scratch + (dy % sh * sw + dx % sw) * phaseStride;
                tap[ky * kw + kx] = phase + (nint)(dy / sh) * ws + dx / sw;
            }
    }

    /// <summary>Computes one output plane; <paramref name="scratch"/> holds <see cref="ScratchFloats"/>, <paramref name="tap"/> is from <see cref="Taps"/> on the same scratch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Plane(float* input, float* output, in Window2D w, in TOp op, float* scratch, float** tap)
    {
        Shape(in w, out int hs, out int ws, out long flatLength);
        int sh = w.StrideHeight, sw = w.StrideWidth;
        long phaseStride = PhaseStride(hs, ws);
        float pad = op.PadValue;
        for (int a = 0; a < sh; a++)
            for (int b = 0; b < sw; b++)
            {
                float* phase = scratch + (a * sw + b) * phaseStride;
                PhasePlane.Fill(input, in w, 0, a, b, hs, ws, pad, phase);
                FloatRuns.Fill(phase + (long)hs * ws, phaseStride - (long)hs * ws, pad);
            }

        int taps = w.KernelHeight * w.KernelWidth;
        float* flat = scratch + sh * sw * phaseStride;
        if (typeof(TOp) == typeof(DepthwiseOp<TV>))
            FlatMultiplyAdd(tap, taps, flat, (int)flatLength, Unsafe.As<TOp, DepthwiseOp<TV>>(ref Unsafe.AsRef(in op)));
        else
            Flat(tap, taps, flat, (int)flatLength, in op);

        int lanes = TV.Count, oh = w.OutputHeight, ow = w.OutputWidth;
        TOp o = op;
        if (o.HasFinish)
            for (int i = 0; i < flatLength; i += lanes)
                TV.Store(flat + i, o.Finish(TV.Load(flat + i), taps, taps));
        if (ws == ow)
            FloatRuns.Copy(flat, output, oh * ow);
        else
            for (int oy = 0; oy < oh; oy++)
                FloatRuns.Copy(flat + (nint)oy * ws, output + (nint)oy * ow, ow);
    }

    // Depthwise convolution's flat loop in the bare vector type of each ISA (see ISimdRegister: through the
    // wrapper, every FMA of the tap loop came with a register copy).
    private static void FlatMultiplyAdd(float** tap, int taps, float* flat, int length, in DepthwiseOp<TV> op)
    {
        if (typeof(TV) == typeof(F32x16)) FlatMultiplyAdd<F32x16, Vector512<float>>(tap, taps, flat, length, op.Weights, op.Bias);
        else if (typeof(TV) == typeof(F32x8)) FlatMultiplyAdd<F32x8, Vector256<float>>(tap, taps, flat, length, op.Weights, op.Bias);
        else if (typeof(TV) == typeof(F32x4)) FlatMultiplyAdd<F32x4, Vector128<float>>(tap, taps, flat, length, op.Weights, op.Bias);
        else WindowFlat<TV, DepthwiseOp<TV>>.Flat(tap, taps, flat, length, in op);
    }

    // Eight vectors of outputs at a time (a depthwise window has up to 25 taps: eight FMA chains keep both FMA
    // ports busy through each chain's latency), each tap's weight broadcast once for all eight.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FlatMultiplyAdd<TS, TReg>(float** tap, int taps, float* flat, int length, float* weights, float bias)
        where TS : unmanaged, ISimdF32<TS>, ISimdRegister<TReg>
        where TReg : unmanaged
    {
        int lanes = TS.Count, q = 0;
        TReg start = TS.SplatRegister(bias);
        // The last group overlaps the previous one rather than leaving a tail of single, latency-bound vectors
        // (recomputed outputs get the same values).
        for (int next = 0; length >= 8 * lanes && next < length; next = q + 8 * lanes)
        {
            q = Math.Min(next, length - 8 * lanes);
            TReg a0 = start, a1 = start, a2 = start, a3 = start, a4 = start, a5 = start, a6 = start, a7 = start;
            for (int t = 0; t < taps; t++)
            {
                float* p = tap[t] + q;
                TReg wt = TS.SplatRegister(weights[t]);
                a0 = TS.MultiplyAddRegister(TS.LoadRegister(p), wt, a0);
                a1 = TS.MultiplyAddRegister(TS.LoadRegister(p + lanes), wt, a1);
                a2 = TS.MultiplyAddRegister(TS.LoadRegister(p + 2 * lanes), wt, a2);
                a3 = TS.MultiplyAddRegister(TS.LoadRegister(p + 3 * lanes), wt, a3);
                a4 = TS.MultiplyAddRegister(TS.LoadRegister(p + 4 * lanes), wt, a4);
                a5 = TS.MultiplyAddRegister(TS.LoadRegister(p + 5 * lanes), wt, a5);
                a6 = TS.MultiplyAddRegister(TS.LoadRegister(p + 6 * lanes), wt, a6);
                a7 = TS.MultiplyAddRegister(TS.LoadRegister(p + 7 * lanes), wt, a7);
            }
            TReg* y = (TReg*)(flat + q);
            y[0] = a0; y[1] = a1; y[2] = a2; y[3] = a3; y[4] = a4; y[5] = a5; y[6] = a6; y[7] = a7;
        }
        if (length >= 8 * lanes)
            return;
        for (q = 0; q < length; q += lanes)
        {
            TReg a0 = start;
            for (int t = 0; t < taps; t++)
                a0 = TS.MultiplyAddRegister(TS.LoadRegister(tap[t] + q), TS.SplatRegister(weights[t]), a0);
            *(TReg*)(flat + q) = a0;
        }
    }

    // Four vectors of outputs at a time: independent accumulators hide the FMA/max latency, and each tap's
    // weight is broadcast once for all four.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Flat(float** tap, int taps, float* flat, int length, in TOp op)
    {
        TOp o = op;
        int lanes = TV.Count, q = 0;
        for (; q + 4 * lanes <= length; q += 4 * lanes)
        {
            TV a0 = o.StartVector(), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0; t < taps; t++)
            {
                float* p = tap[t] + q;
                a0 = o.Step(a0, TV.Load(p), t);
                a1 = o.Step(a1, TV.Load(p + lanes), t);
                a2 = o.Step(a2, TV.Load(p + 2 * lanes), t);
                a3 = o.Step(a3, TV.Load(p + 3 * lanes), t);
            }
            TV.Store(flat + q, a0);
            TV.Store(flat + q + lanes, a1);
            TV.Store(flat + q + 2 * lanes, a2);
            TV.Store(flat + q + 3 * lanes, a3);
        }
        for (; q < length; q += lanes)
        {
            TV a0 = o.StartVector();
            for (int t = 0; t < taps; t++)
                a0 = o.Step(a0, TV.Load(tap[t] + q), t);
            TV.Store(flat + q, a0);
        }
    }
}
