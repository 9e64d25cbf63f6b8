using Mote.Kernels.Simd;

namespace Mote.Kernels.Convolution;

/// <summary>
/// Slides a 2-D window over one plane for depthwise convolution and pooling (the op decides what a window
/// computes). Per output row, the taps that fall outside the input rows are skipped, so no padded copy is
/// made. Columns whose whole window lies inside the input row (the interior) are computed a vector of
/// outputs at a time when the horizontal stride is 1 or 2 (stride 2 loads even lanes); the last interior
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
    public static void Plane(float* input, float* output, in Window2D w, in TOp op)
    {
        int kw = w.KernelWidth, sw = w.StrideWidth, dw = w.DilationWidth, pl = w.PadLeft;
        int lanes = TV.Count;
        // Interior columns: ox·sw − pl ≥ 0 and ox·sw − pl + (kw−1)·dw ≤ W − 1.
        int oxL = Math.Min(w.OutputWidth, (pl + sw - 1) / sw);
        int right = w.InputWidth - 1 + pl - (kw - 1) * dw;
        int oxR = right < 0 ? 0 : Math.Min(w.OutputWidth, right / sw + 1);
        if (oxR < oxL) oxR = oxL;
        bool vector = (sw == 1 || sw == 2) && oxR - oxL >= lanes;

        for (int oy = 0; oy < w.OutputHeight; oy++)
        {
            int y0 = oy * w.StrideHeight - w.PadTop;
            int kyLo = 0, kyHi = w.KernelHeight, paddedKy = 0;
            while (kyLo < kyHi && y0 + kyLo * w.DilationHeight < 0) kyLo++;
            while (kyHi > kyLo && y0 + (kyHi - 1) * w.DilationHeight >= w.InputHeight) kyHi--;
            for (int ky = 0; ky < w.KernelHeight; ky++)
            {
                int iy = y0 + ky * w.DilationHeight;
                if (iy >= -w.PadTop && iy < w.InputHeight + w.PadBottom) paddedKy++;
            }
            var rows = new Rows { Input = input, Y0 = y0, KyLo = kyLo, KyHi = kyHi, PaddedKy = paddedKy };
            float* outRow = output + (nint)oy * w.OutputWidth;

            if (!vector)
            {
                for (int ox = 0; ox < w.OutputWidth; ox++) outRow[ox] = Pixel(in rows, ox, in w, in op);
                continue;
            }
            for (int ox = 0; ox < oxL; ox++) outRow[ox] = Pixel(in rows, ox, in w, in op);
            int x = oxL;
            for (; x + 2 * lanes <= oxR; x += 2 * lanes) Vectors2(in rows, x, outRow, in w, in op);
            for (; x + lanes <= oxR; x += lanes) TV.Store(outRow + x, Vector(in rows, x, in w, in op));
            if (x < oxR) TV.Store(outRow + oxR - lanes, Vector(in rows, oxR - lanes, in w, in op));
            for (int ox = oxR; ox < w.OutputWidth; ox++) outRow[ox] = Pixel(in rows, ox, in w, in op);
        }
    }

    private struct Rows
    {
        public float* Input;
        public int Y0, KyLo, KyHi, PaddedKy;
    }

    private static float Pixel(in Rows r, int ox, in Window2D w, in TOp op)
    {
        float acc = op.Start();
        int x0 = ox * w.StrideWidth - w.PadLeft;
        int valid = 0, padded = 0;
        for (int kx = 0; kx < w.KernelWidth; kx++)
        {
            int ix = x0 + kx * w.DilationWidth;
            if (ix >= 0 && ix < w.InputWidth) valid++;
            if (ix >= -w.PadLeft && ix < w.InputWidth + w.PadRight) padded++;
        }
        for (int ky = r.KyLo; ky < r.KyHi; ky++)
        {
            float* row = r.Input + (nint)(r.Y0 + ky * w.DilationHeight) * w.InputWidth;
            for (int kx = 0; kx < w.KernelWidth; kx++)
            {
                int ix = x0 + kx * w.DilationWidth;
                if ((uint)ix < (uint)w.InputWidth) acc = op.Step(acc, row[ix], ky * w.KernelWidth + kx);
            }
        }
        return op.Finish(acc, (r.KyHi - r.KyLo) * valid, r.PaddedKy * padded);
    }

    private static TV Vector(in Rows r, int ox, in Window2D w, in TOp op)
    {
        TV acc = op.StartVector();
        bool stride2 = w.StrideWidth == 2;
        int x0 = ox * w.StrideWidth - w.PadLeft;
        for (int ky = r.KyLo; ky < r.KyHi; ky++)
        {
            float* p = r.Input + (nint)(r.Y0 + ky * w.DilationHeight) * w.InputWidth + x0;
            int tap = ky * w.KernelWidth;
            for (int kx = 0; kx < w.KernelWidth; kx++, p += w.DilationWidth)
                acc = op.Step(acc, stride2 ? TV.LoadEven(p) : TV.Load(p), tap + kx);
        }
        return op.Finish(acc, (r.KyHi - r.KyLo) * w.KernelWidth, r.PaddedKy * w.KernelWidth);
    }

    // Two independent accumulators: hides the add/FMA latency that a single chain of taps would expose.
    private static void Vectors2(in Rows r, int ox, float* outRow, in Window2D w, in TOp op)
    {
        TV a0 = op.StartVector(), a1 = a0;
        bool stride2 = w.StrideWidth == 2;
        int lanes = TV.Count;
        int x0 = ox * w.StrideWidth - w.PadLeft;
        nint step1 = (nint)lanes * w.StrideWidth;
        for (int ky = r.KyLo; ky < r.KyHi; ky++)
        {
            float* p = r.Input + (nint)(r.Y0 + ky * w.DilationHeight) * w.InputWidth + x0;
            int tap = ky * w.KernelWidth;
            for (int kx = 0; kx < w.KernelWidth; kx++, p += w.DilationWidth)
            {
                if (stride2)
                {
                    a0 = op.Step(a0, TV.LoadEven(p), tap + kx);
                    a1 = op.Step(a1, TV.LoadEven(p + step1), tap + kx);
                }
                else
                {
                    a0 = op.Step(a0, TV.Load(p), tap + kx);
                    a1 = op.Step(a1, TV.Load(p + step1), tap + kx);
                }
            }
        }
        int valid = (r.KyHi - r.KyLo) * w.KernelWidth, padded = r.PaddedKy * w.KernelWidth;
        TV.Store(outRow + ox, op.Finish(a0, valid, padded));
        TV.Store(outRow + ox + lanes, op.Finish(a1, valid, padded));
    }
}
