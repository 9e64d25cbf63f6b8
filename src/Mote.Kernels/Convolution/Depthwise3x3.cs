using System.Runtime.CompilerServices;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Convolution;

/// <summary>
/// The common depthwise case, 3×3 with dilation 1 and horizontal stride 1 or 2, on a plane whose every
/// window lies inside the input (the caller zero-pads first): the nine weights stay in registers and each
/// output row is computed four vectors at a time, then one, then one overlapping vector for the tail; the
/// activation follows as a pass over the plane.
/// Taps are folded in the same (ky, kx) order as <see cref="WindowDriver{TV, TOp}"/>, so both paths give
/// the same values.
/// </summary>
/// <remarks>
/// Layout: input plane H×W (no padding left to apply), output plane OH×OW with
/// <c>(OH−1)·sh + 2 ≤ H − 1</c>, <c>(OW−1)·sw + 2 ≤ W − 1</c> and <c>OW ≥ lanes</c> (checked by
/// <see cref="Fits"/>). Reads only inside the plane.
/// </remarks>
internal static unsafe class Depthwise3x3<TV, TStride>
    where TV : unmanaged, ISimdF32<TV>
    where TStride : struct, IConstant
{
    public static bool Fits(in Window2D w) =>
        w.KernelHeight == 3 && w.KernelWidth == 3 && w.DilationHeight == 1 && w.DilationWidth == 1 && w.StrideWidth == TStride.Value
        && (w.PadTop | w.PadLeft) == 0 && w.OutputWidth >= TV.Count
        && (w.OutputHeight - 1) * w.StrideHeight + 2 <= w.InputHeight - 1
        && (w.OutputWidth - 1) * w.StrideWidth + 2 <= w.InputWidth - 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Plane(float* x, float* y, in Window2D w, float* k, float bias, Activation act)
    {
        int lanes = TV.Count, width = w.InputWidth, ow = w.OutputWidth, sh = w.StrideHeight;
        TV w0 = TV.Splat(k[0]), w1 = TV.Splat(k[1]), w2 = TV.Splat(k[2]);
        TV w3 = TV.Splat(k[3]), w4 = TV.Splat(k[4]), w5 = TV.Splat(k[5]);
        TV w6 = TV.Splat(k[6]), w7 = TV.Splat(k[7]), w8 = TV.Splat(k[8]);
        TV b = TV.Splat(bias);
        for (int oy = 0; oy < w.OutputHeight; oy++)
        {
            float* r0 = x + (nint)oy * sh * width, r1 = r0 + width, r2 = r1 + width;
            float* outRow = y + (nint)oy * ow;
            int ox = 0;
            for (; ox + 4 * lanes <= ow; ox += 4 * lanes)
            {
                nint s = (nint)ox * TStride.Value, d = (nint)lanes * TStride.Value;
                TV a0 = Taps(r0 + s, r1 + s, r2 + s, b, w0, w1, w2, w3, w4, w5, w6, w7, w8);
                TV a1 = Taps(r0 + s + d, r1 + s + d, r2 + s + d, b, w0, w1, w2, w3, w4, w5, w6, w7, w8);
                TV a2 = Taps(r0 + s + 2 * d, r1 + s + 2 * d, r2 + s + 2 * d, b, w0, w1, w2, w3, w4, w5, w6, w7, w8);
                TV a3 = Taps(r0 + s + 3 * d, r1 + s + 3 * d, r2 + s + 3 * d, b, w0, w1, w2, w3, w4, w5, w6, w7, w8);
                TV.Store(outRow + ox, a0);
                TV.Store(outRow + ox + lanes, a1);
                TV.Store(outRow + ox + 2 * lanes, a2);
                TV.Store(outRow + ox + 3 * lanes, a3);
            }
            for (; ox + lanes <= ow; ox += lanes)
            {
                nint s = (nint)ox * TStride.Value;
                TV.Store(outRow + ox, Taps(r0 + s, r1 + s, r2 + s, b, w0, w1, w2, w3, w4, w5, w6, w7, w8));
            }
            if (ox < ow)
            {
                nint s = (nint)(ow - lanes) * TStride.Value;
                TV.Store(outRow + ow - lanes, Taps(r0 + s, r1 + s, r2 + s, b, w0, w1, w2, w3, w4, w5, w6, w7, w8));
            }
        }
        // The activation runs as a second pass over the finished plane (in L1/L2), in its own method: a call
        // inside the row loop (Sigmoid, Tanh…) would make the JIT keep the nine weights on the stack.
        if (!act.IsNone) ActivationSimdKernel<TV>.ApplyInPlace(act, y, w.OutputSize);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Load(float* p) => TStride.Value == 2 ? TV.LoadEven(p) : TV.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Taps(float* r0, float* r1, float* r2, TV acc, TV w0, TV w1, TV w2, TV w3, TV w4, TV w5, TV w6, TV w7, TV w8)
    {
        acc = TV.MultiplyAdd(Load(r0), w0, acc);
        acc = TV.MultiplyAdd(Load(r0 + 1), w1, acc);
        acc = TV.MultiplyAdd(Load(r0 + 2), w2, acc);
        acc = TV.MultiplyAdd(Load(r1), w3, acc);
        acc = TV.MultiplyAdd(Load(r1 + 1), w4, acc);
        acc = TV.MultiplyAdd(Load(r1 + 2), w5, acc);
        acc = TV.MultiplyAdd(Load(r2), w6, acc);
        acc = TV.MultiplyAdd(Load(r2 + 1), w7, acc);
        return TV.MultiplyAdd(Load(r2 + 2), w8, acc);
    }
}
