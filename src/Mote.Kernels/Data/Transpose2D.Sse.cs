using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mote.Kernels.Data;

public static partial class Transpose2D
{
    /// <summary>
    /// 4-byte elements with SSE: each 4×4 block is four row loads, unpack low/high pairs, then
    /// move-low/high-halves to form the columns, four row stores. Walks tiles like the reference;
    /// ragged edges of a tile fall back to the element loop.
    /// </summary>
    internal static void Run32Sse(ref float src, long srcStrideB, ref float dst, long dstStrideA, int a, int b)
    {
        for (int a0 = 0; a0 < a; a0 += Tile)
        {
            int a1 = Math.Min(a, a0 + Tile);
            for (int b0 = 0; b0 < b; b0 += Tile)
            {
                int b1 = Math.Min(b, b0 + Tile);
                int ai = a0;
                for (; ai + 4 <= a1; ai += 4)
                {
                    int bi = b0;
                    for (; bi + 4 <= b1; bi += 4)
                    {
                        ref float s = ref Unsafe.Add(ref src, (nint)(ai + bi * srcStrideB));
                        var r0 = Vector128.LoadUnsafe(ref s);
                        var r1 = Vector128.LoadUnsafe(ref Unsafe.Add(ref s, (nint)srcStrideB));
                        var r2 = Vector128.LoadUnsafe(ref Unsafe.Add(ref s, (nint)(2 * srcStrideB)));
                        var r3 = Vector128.LoadUnsafe(ref Unsafe.Add(ref s, (nint)(3 * srcStrideB)));
                        var t0 = Sse.UnpackLow(r0, r1);
                        var t1 = Sse.UnpackLow(r2, r3);
                        var t2 = Sse.UnpackHigh(r0, r1);
                        var t3 = Sse.UnpackHigh(r2, r3);
                        ref float d = ref Unsafe.Add(ref dst, (nint)(ai * dstStrideA + bi));
                        Sse.MoveLowToHigh(t0, t1).StoreUnsafe(ref d);
                        Sse.MoveHighToLow(t1, t0).StoreUnsafe(ref Unsafe.Add(ref d, (nint)dstStrideA));
                        Sse.MoveLowToHigh(t2, t3).StoreUnsafe(ref Unsafe.Add(ref d, (nint)(2 * dstStrideA)));
                        Sse.MoveHighToLow(t3, t2).StoreUnsafe(ref Unsafe.Add(ref d, (nint)(3 * dstStrideA)));
                    }
                    if (bi < b1)
                        Edge(ref src, srcStrideB, ref dst, dstStrideA, ai, ai + 4, bi, b1);
                }
                if (ai < a1)
                    Edge(ref src, srcStrideB, ref dst, dstStrideA, ai, a1, b0, b1);
            }
        }
    }
}
