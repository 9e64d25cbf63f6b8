using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Mote.Kernels.Data;

public static partial class Transpose2D
{
    /// <summary>
    /// 4-byte elements with ARM64 Advanced SIMD: each 4×4 block is four row loads, ZIP1/ZIP2 of
    /// 32-bit pairs, then ZIP1/ZIP2 of 64-bit halves to form the columns, four row stores.
    /// </summary>
    internal static void Run32Neon(ref uint src, long srcStrideB, ref uint dst, long dstStrideA, int a, int b)
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
                        ref uint s = ref Unsafe.Add(ref src, (nint)(ai + bi * srcStrideB));
                        var r0 = Vector128.LoadUnsafe(ref s);
                        var r1 = Vector128.LoadUnsafe(ref Unsafe.Add(ref s, (nint)srcStrideB));
                        var r2 = Vector128.LoadUnsafe(ref Unsafe.Add(ref s, (nint)(2 * srcStrideB)));
                        var r3 = Vector128.LoadUnsafe(ref Unsafe.Add(ref s, (nint)(3 * srcStrideB)));
                        var t0 = AdvSimd.Arm64.ZipLow(r0, r1).AsUInt64();
                        var t1 = AdvSimd.Arm64.ZipLow(r2, r3).AsUInt64();
                        var t2 = AdvSimd.Arm64.ZipHigh(r0, r1).AsUInt64();
                        var t3 = AdvSimd.Arm64.ZipHigh(r2, r3).AsUInt64();
                        ref uint d = ref Unsafe.Add(ref dst, (nint)(ai * dstStrideA + bi));
                        AdvSimd.Arm64.ZipLow(t0, t1).AsUInt32().StoreUnsafe(ref d);
                        AdvSimd.Arm64.ZipHigh(t0, t1).AsUInt32().StoreUnsafe(ref Unsafe.Add(ref d, (nint)dstStrideA));
                        AdvSimd.Arm64.ZipLow(t2, t3).AsUInt32().StoreUnsafe(ref Unsafe.Add(ref d, (nint)(2 * dstStrideA)));
                        AdvSimd.Arm64.ZipHigh(t2, t3).AsUInt32().StoreUnsafe(ref Unsafe.Add(ref d, (nint)(3 * dstStrideA)));
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
