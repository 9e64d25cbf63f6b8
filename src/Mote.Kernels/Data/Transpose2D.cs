using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mote.Kernels.Data;

/// <summary>
/// Blocked 2-D transpose of any unmanaged element: <c>dst[a * dstStrideA + b] = src[a + b * srcStrideB]</c>
/// for a &lt; <c>A</c>, b &lt; <c>B</c>. Rows of both matrices may be padded (strides in elements,
/// at least the row length); the buffers must not overlap. Works in square tiles so that the
/// strided side touches a few cache lines per tile instead of one per element.
/// </summary>
public static partial class Transpose2D
{
    private const int Tile = 16;

    /// <summary>Transposes the <paramref name="b"/>×<paramref name="a"/> matrix <paramref name="src"/> into the <paramref name="a"/>×<paramref name="b"/> matrix <paramref name="dst"/>.</summary>
    /// <exception cref="ArgumentException">A matrix does not fit its buffer or a stride is shorter than its row.</exception>
    public static void Transpose<T>(ReadOnlySpan<T> src, int srcStrideB, Span<T> dst, int dstStrideA, int a, int b) where T : unmanaged
    {
        if (a < 0 || b < 0 || srcStrideB < a || dstStrideA < b)
            throw new ArgumentException($"invalid transpose {b}x{a} (source stride {srcStrideB}) to {a}x{b} (destination stride {dstStrideA})");
        if (a == 0 || b == 0)
            return;
        if ((long)(b - 1) * srcStrideB + a > src.Length || (long)(a - 1) * dstStrideA + b > dst.Length)
            throw new ArgumentException("a matrix reaches outside its buffer");
        Run(ref MemoryMarshal.GetReference(src), srcStrideB, ref MemoryMarshal.GetReference(dst), dstStrideA, a, b);
    }

    /// <summary>Unchecked core; the caller guarantees both matrices fit. 4-byte elements use 4×4 SIMD blocks where available.</summary>
    internal static void Run<T>(ref T src, long srcStrideB, ref T dst, long dstStrideA, int a, int b) where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() == 4 && a >= 4 && b >= 4)
        {
            if (System.Runtime.Intrinsics.X86.Sse.IsSupported)
            {
                Run32Sse(ref Unsafe.As<T, float>(ref src), srcStrideB, ref Unsafe.As<T, float>(ref dst), dstStrideA, a, b);
                return;
            }
            if (System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported)
            {
                Run32Neon(ref Unsafe.As<T, uint>(ref src), srcStrideB, ref Unsafe.As<T, uint>(ref dst), dstStrideA, a, b);
                return;
            }
        }
        Reference(ref src, srcStrideB, ref dst, dstStrideA, a, b);
    }

    /// <summary>The scalar reference: tiles of elements, one element at a time.</summary>
    internal static void Reference<T>(ref T src, long srcStrideB, ref T dst, long dstStrideA, int a, int b) where T : unmanaged
    {
        for (int a0 = 0; a0 < a; a0 += Tile)
        {
            int a1 = Math.Min(a, a0 + Tile);
            for (int b0 = 0; b0 < b; b0 += Tile)
            {
                int b1 = Math.Min(b, b0 + Tile);
                for (int ai = a0; ai < a1; ai++)
                {
                    ref T row = ref Unsafe.Add(ref dst, (nint)(ai * dstStrideA));
                    ref T col = ref Unsafe.Add(ref src, ai);
                    for (int bi = b0; bi < b1; bi++)
                        Unsafe.Add(ref row, bi) = Unsafe.Add(ref col, (nint)(bi * srcStrideB));
                }
            }
        }
    }

    /// <summary>The element loop over a sub-rectangle (edges of SIMD tiles).</summary>
    private static void Edge<T>(ref T src, long srcStrideB, ref T dst, long dstStrideA, int a0, int a1, int b0, int b1)
    {
        for (int ai = a0; ai < a1; ai++)
        {
            ref T row = ref Unsafe.Add(ref dst, (nint)(ai * dstStrideA));
            ref T col = ref Unsafe.Add(ref src, ai);
            for (int bi = b0; bi < b1; bi++)
                Unsafe.Add(ref row, bi) = Unsafe.Add(ref col, (nint)(bi * srcStrideB));
        }
    }
}
