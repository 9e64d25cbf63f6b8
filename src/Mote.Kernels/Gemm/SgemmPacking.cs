using System.Runtime.CompilerServices;
namespace Mote.Kernels.Gemm;

/// <summary>
/// Copies operand blocks into microkernel panels (layout in <see cref="SgemmPacked"/>): panel p, depth
/// index k, lane r at <c>dst[(p·kc + k)·tile + r]</c>; lanes past the operand's edge are zero so the
/// microkernel never needs a tail case. Source and destination must not overlap.
/// </summary>
internal static unsafe class SgemmPacking
{
    /// <summary>
    /// Packs rows [0, rows) × depth [k0, k0+kc) of op(A). <paramref name="a"/> points at the block's first
    /// row of op(A): A + row0·lda when not transposed, A + row0 when transposed.
    /// </summary>
    public static void PackA(float* a, nint lda, bool trans, int rows, int k0, int kc, int tile, float* dst)
    {
        for (int p0 = 0; p0 < rows; p0 += tile, dst += (nint)kc * tile)
        {
            int n = Math.Min(tile, rows - p0);
            if (trans) CopyRows(a + (nint)k0 * lda + p0, lda, n, kc, tile, dst);
            else Transpose(a + (nint)p0 * lda + k0, lda, n, kc, tile, dst);
        }
    }

    /// <summary>
    /// Packs depth [k0, k0+kc) × columns [0, cols) of op(B). <paramref name="b"/> points at the block's first
    /// column of op(B): B + col0 when not transposed, B + col0·ldb when transposed.
    /// </summary>
    public static void PackB(float* b, nint ldb, bool trans, int cols, int k0, int kc, int tile, float* dst)
    {
        for (int p0 = 0; p0 < cols; p0 += tile, dst += (nint)kc * tile)
        {
            int n = Math.Min(tile, cols - p0);
            if (trans) Transpose(b + (nint)p0 * ldb + k0, ldb, n, kc, tile, dst);
            else CopyRows(b + (nint)k0 * ldb + p0, ldb, n, kc, tile, dst);
        }
    }

    // Source lanes are contiguous: kc rows of n floats (row stride ld) → kc rows of tile floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRows(float* src, nint ld, int n, int kc, int tile, float* dst)
    {
        for (int k = 0; k < kc; k++, src += ld, dst += tile)
        {
            new ReadOnlySpan<float>(src, n).CopyTo(new Span<float>(dst, n));
            if (n < tile) new Span<float>(dst + n, tile - n).Clear();
        }
    }

    // Source lanes are strided: n rows of kc floats (row stride ld) → kc rows of tile floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(float* src, nint ld, int n, int kc, int tile, float* dst)
    {
        if (n < tile) new Span<float>(dst, kc * tile).Clear();
        // Four source rows at a time keeps four read streams and writes tile-strided lanes.
        int r = 0;
        for (; r + 4 <= n; r += 4)
        {
            float* s0 = src + r * ld, s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld;
            float* d = dst + r;
            for (int k = 0; k < kc; k++, d += tile)
            {
                d[0] = s0[k];
                d[1] = s1[k];
                d[2] = s2[k];
                d[3] = s3[k];
            }
        }
        for (; r < n; r++)
        {
            float* s = src + r * ld;
            float* d = dst + r;
            for (int k = 0; k < kc; k++, d += tile) *d = s[k];
        }
    }
}
