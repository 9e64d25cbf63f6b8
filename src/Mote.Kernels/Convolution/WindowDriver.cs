using System.Runtime.CompilerServices;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Convolution;

/// <summary>
/// Slides a 2-D window over one plane for depthwise convolution and pooling (the op decides what a window
/// computes). Per output row, the taps that fall outside the input rows are skipped, so no padded copy is
/// made. Columns whose whole window lies inside the input row (the interior) are computed several vectors
/// of outputs at a time when the horizontal stride is 1 or 2 (stride 2 loads even lanes); the last interior
/// vector overlaps the previous one instead of a scalar tail. The few border columns, and other strides,
/// take the scalar path, which folds taps in the same order.
/// </summary>
/// <remarks>
/// Layout: input plane H×W and output plane OH×OW, dense, not overlapping. Reads only input elements under
/// some window (never past the plane), writes every output element once.
/// </remarks>
internal static unsafe class WindowDriver<TV, TOp>
    where TV : unmanaged, ISimdF32<TV>
    where TOp : struct, IWindowOp<TV>
{
    // The geometry as plain locals: the JIT keeps them in registers, which it will not do for fields read
    // through an `in` reference while the loops store through float pointers.
    private struct Geometry
    {
        public int H, W, OW, Kh, Kw, Sw, Dw, Pl, Pr;
    }

    private struct Rows
    {
        public float* Input;
        public int Y0, Dh, KyLo, KyHi, PaddedKy;
    }

    public static void Plane(float* input, float* output, in Window2D w, in TOp op)
    {
        if (w.StrideWidth == 1) Plane<C1>(input, output, in w, in op);
        else if (w.StrideWidth == 2) Plane<C2>(input, output, in w, in op);
        else Plane<C0>(input, output, in w, in op);
    }

    /// <typeparam name="TStride">Horizontal stride 1 or 2 (vector interior), or <see cref="C0"/> for scalar only.</typeparam>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane<TStride>(float* input, float* output, in Window2D w, in TOp op) where TStride : struct, IConstant
    {
        var g = new Geometry
        {
            H = w.InputHeight, W = w.InputWidth, OW = w.OutputWidth, Kh = w.KernelHeight, Kw = w.KernelWidth,
            Sw = w.StrideWidth, Dw = w.DilationWidth, Pl = w.PadLeft, Pr = w.PadRight,
        };
        int lanes = TV.Count;
        // Interior columns: ox·sw − pl ≥ 0 and ox·sw − pl + (kw−1)·dw ≤ W − 1.
        int oxL = Math.Min(g.OW, (g.Pl + g.Sw - 1) / g.Sw);
        int right = g.W - 1 + g.Pl - (g.Kw - 1) * g.Dw;
        int oxR = right < 0 ? 0 : Math.Min(g.OW, right / g.Sw + 1);
        if (oxR < oxL) oxR = oxL;
        bool vector = TStride.Value != 0 && oxR - oxL >= lanes;

        for (int oy = 0; oy < w.OutputHeight; oy++)
        {
            int y0 = oy * w.StrideHeight - w.PadTop, dh = w.DilationHeight;
            int kyLo = 0, kyHi = g.Kh, paddedKy = 0;
            while (kyLo < kyHi && y0 + kyLo * dh < 0) kyLo++;
            while (kyHi > kyLo && y0 + (kyHi - 1) * dh >= g.H) kyHi--;
            for (int ky = 0; ky < g.Kh; ky++)
            {
                int iy = y0 + ky * dh;
                if (iy >= -w.PadTop && iy < g.H + w.PadBottom) paddedKy++;
            }
            var rows = new Rows { Input = input, Y0 = y0, Dh = dh, KyLo = kyLo, KyHi = kyHi, PaddedKy = paddedKy };
            float* outRow = output + (nint)oy * g.OW;

            if (!vector)
            {
                for (int ox = 0; ox < g.OW; ox++) outRow[ox] = Pixel(rows, ox, g, in op);
                continue;
            }
            for (int ox = 0; ox < oxL; ox++) outRow[ox] = Pixel(rows, ox, g, in op);
            int x = oxL;
            for (; x + 4 * lanes <= oxR; x += 4 * lanes) Vectors4<TStride>(rows, x, outRow, g, in op);
            for (; x + lanes <= oxR; x += lanes) Vector<TStride>(rows, x, outRow, g, in op);
            if (x < oxR) Vector<TStride>(rows, oxR - lanes, outRow, g, in op);
            for (int ox = oxR; ox < g.OW; ox++) outRow[ox] = Pixel(rows, ox, g, in op);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Pixel(Rows r, int ox, Geometry g, in TOp op)
    {
        float acc = op.Start();
        int x0 = ox * g.Sw - g.Pl;
        int valid = 0, padded = 0;
        for (int kx = 0; kx < g.Kw; kx++)
        {
            int ix = x0 + kx * g.Dw;
            if (ix >= 0 && ix < g.W) valid++;
            if (ix >= -g.Pl && ix < g.W + g.Pr) padded++;
        }
        for (int ky = r.KyLo; ky < r.KyHi; ky++)
        {
            float* row = r.Input + (nint)(r.Y0 + ky * r.Dh) * g.W;
            for (int kx = 0; kx < g.Kw; kx++)
            {
                int ix = x0 + kx * g.Dw;
                if ((uint)ix < (uint)g.W) acc = op.Step(acc, row[ix], ky * g.Kw + kx);
            }
        }
        return op.Finish(acc, (r.KyHi - r.KyLo) * valid, r.PaddedKy * padded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Load<TStride>(float* p) where TStride : struct, IConstant =>
        TStride.Value == 2 ? TV.LoadEven(p) : TV.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Vector<TStride>(Rows r, int ox, float* outRow, Geometry g, in TOp op) where TStride : struct, IConstant
    {
        TOp o = op; // a local copy keeps the op's fields in registers
        TV acc = o.StartVector();
        float* x0 = r.Input + ox * TStride.Value - g.Pl;
        for (int ky = r.KyLo; ky < r.KyHi; ky++)
        {
            float* p = x0 + (nint)(r.Y0 + ky * r.Dh) * g.W;
            int tap = ky * g.Kw;
            for (int kx = 0; kx < g.Kw; kx++, p += g.Dw) acc = o.Step(acc, Load<TStride>(p), tap + kx);
        }
        TV.Store(outRow + ox, o.Finish(acc, (r.KyHi - r.KyLo) * g.Kw, r.PaddedKy * g.Kw));
    }

    // Four independent accumulators hide the FMA/add latency a single chain of taps would expose, and each
    // tap's weight is broadcast once for all four.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Vectors4<TStride>(Rows r, int ox, float* outRow, Geometry g, in TOp op) where TStride : struct, IConstant
    {
        TOp o = op; // a local copy keeps the op's fields in registers
        TV a0 = o.StartVector(), a1 = a0, a2 = a0, a3 = a0;
        int lanes = TV.Count;
        nint step = (nint)lanes * TStride.Value;
        float* x0 = r.Input + ox * TStride.Value - g.Pl;
        for (int ky = r.KyLo; ky < r.KyHi; ky++)
        {
            float* p = x0 + (nint)(r.Y0 + ky * r.Dh) * g.W;
            int tap = ky * g.Kw;
            for (int kx = 0; kx < g.Kw; kx++, p += g.Dw)
            {
                a0 = o.Step(a0, Load<TStride>(p), tap + kx);
                a1 = o.Step(a1, Load<TStride>(p + step), tap + kx);
                a2 = o.Step(a2, Load<TStride>(p + 2 * step), tap + kx);
                a3 = o.Step(a3, Load<TStride>(p + 3 * step), tap + kx);
            }
        }
        // Raw sums first, then finish from L1: a finishing call (Sigmoid, Tanh…) while four accumulators are
        // live would make the register allocator spill them inside the tap loop.
        float* y = outRow + ox;
        TV.Store(y, a0);
        TV.Store(y + lanes, a1);
        TV.Store(y + 2 * lanes, a2);
        TV.Store(y + 3 * lanes, a3);
        int valid = (r.KyHi - r.KyLo) * g.Kw, padded = r.PaddedKy * g.Kw;
        for (int i = 0; i < 4; i++, y += lanes) TV.Store(y, o.Finish(TV.Load(y), valid, padded));
    }
}
