using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mote.Kernels.Data;

/// <summary>
/// Two-tap separable resampling (bilinear, any coordinate mapping) of one row-major H×W float
/// plane. The caller supplies per-axis tap tables: for output row y the source rows
/// <c>yIndex[2y]</c>, <c>yIndex[2y+1]</c> with weights <c>yWeight[2y]</c>, <c>yWeight[2y+1]</c>
/// (indices already clamped to the plane), and likewise for columns. Each source row is
/// interpolated horizontally once into a two-row cache, then output rows are blended
/// vertically with vector multiply-adds. The row cache needs 2·outW floats.
/// </summary>
public static class ResizeBilinearF32
{
    /// <summary>Resamples <paramref name="src"/> (inH×inW) into <paramref name="dst"/> (outH×outW).</summary>
    /// <exception cref="ArgumentException">A buffer or table is too short.</exception>
    public static void Plane(ReadOnlySpan<float> src, int inH, int inW, Span<float> dst, int outH, int outW,
        ReadOnlySpan<int> yIndex, ReadOnlySpan<float> yWeight, ReadOnlySpan<int> xIndex, ReadOnlySpan<float> xWeight, Span<float> rows)
    {
        if (src.Length < (long)inH * inW || dst.Length < (long)outH * outW || yIndex.Length < 2 * outH || yWeight.Length < 2 * outH
            || xIndex.Length < 2 * outW || xWeight.Length < 2 * outW || rows.Length < 2 * outW)
            throw new ArgumentException("a buffer or table is shorter than the plane needs");
        foreach (int x in xIndex[..(2 * outW)])
            if ((uint)x >= (uint)inW)
                throw new ArgumentException($"column index {x} is outside the {inW}-column plane");
        var slot0 = rows[..outW];
        var slot1 = rows.Slice(outW, outW);
        int tag0 = -1, tag1 = -1;
        for (int y = 0; y < outH; y++)
        {
            int r0 = yIndex[2 * y], r1 = yIndex[2 * y + 1];
            if ((uint)r0 >= (uint)inH || (uint)r1 >= (uint)inH)
                throw new ArgumentException($"row index {r0} or {r1} is outside the {inH}-row plane");
            // Keep whichever cached row is still needed; refill the other.
            if (tag0 != r0 && tag1 != r0)
            {
                if (tag0 == r1)
                {
                    Horizontal(src.Slice(r0 * inW, inW), xIndex, xWeight, slot1);
                    tag1 = r0;
                }
                else
                {
                    Horizontal(src.Slice(r0 * inW, inW), xIndex, xWeight, slot0);
                    tag0 = r0;
                }
            }
            if (tag0 != r1 && tag1 != r1)
            {
                if (tag0 == r0)
                {
                    Horizontal(src.Slice(r1 * inW, inW), xIndex, xWeight, slot1);
                    tag1 = r1;
                }
                else
                {
                    Horizontal(src.Slice(r1 * inW, inW), xIndex, xWeight, slot0);
                    tag0 = r1;
                }
            }
            var a = tag0 == r0 ? slot0 : slot1;
            var b = tag0 == r1 ? slot0 : slot1;
            var d = dst.Slice(y * outW, outW);
            TensorPrimitives.Multiply(a, yWeight[2 * y], d);
            TensorPrimitives.MultiplyAdd(b, yWeight[2 * y + 1], d, d);
        }
    }

    /// <summary>Column taps of one row; indices were checked against the row length once per plane.</summary>
    private static void Horizontal(ReadOnlySpan<float> row, ReadOnlySpan<int> xIndex, ReadOnlySpan<float> xWeight, Span<float> dst)
    {
        ref float r = ref MemoryMarshal.GetReference(row);
        ref int i = ref MemoryMarshal.GetReference(xIndex);
        ref float w = ref MemoryMarshal.GetReference(xWeight);
        ref float d = ref MemoryMarshal.GetReference(dst);
        for (int x = 0; x < dst.Length; x++)
        {
            float a = Unsafe.Add(ref r, Unsafe.Add(ref i, 2 * x)) * Unsafe.Add(ref w, 2 * x);
            Unsafe.Add(ref d, x) = a + Unsafe.Add(ref r, Unsafe.Add(ref i, 2 * x + 1)) * Unsafe.Add(ref w, 2 * x + 1);
        }
    }
}
