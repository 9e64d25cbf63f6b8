using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Quantized;

/// <summary>
/// Packing for the multiply-add-adjacent GEMM: 8-bit values minus their zero points (9-bit, so they fit int16)
/// are stored as int16 pairs of consecutive k, one int32 per pair (low half = even k). A depth of odd K gets a
/// zero partner. A panel is <c>pairs × width</c> ints, pair-major: the microkernel reads one row of it per step.
/// </summary>
internal static unsafe class QGemmPairPacking
{
    /// <summary>The int32 holding <paramref name="lo"/> and <paramref name="hi"/> as int16 halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Pair(int lo, int hi) => (lo & 0xFFFF) | (hi << 16);

    /// <summary>
    /// Rows [row0, row0 + rows) of A and pairs [p0, p0 + pairs) into panels of <paramref name="mr"/> rows:
    /// <c>dst[(panel·pairs + p)·mr + r]</c>; rows of the last panel past <paramref name="rows"/> are zero.
    /// </summary>
    public static void PackA(in QGemmArgs g, int row0, int rows, int p0, int pairs, int mr, int* dst)
    {
        int panels = (rows + mr - 1) / mr;
        for (int panel = 0; panel < panels; panel++)
        {
            int* d = dst + (nint)panel * pairs * mr;
            for (int r = 0; r < mr; r++)
            {
                int row = panel * mr + r;
                if (row >= rows)
                {
                    for (int p = 0; p < pairs; p++)
                        d[p * mr + r] = 0;
                    continue;
                }
                row += row0;
                byte* src = g.A + (nint)row * g.Lda;
                int z = g.ZeroACount == 0 ? 0 : g.ZeroA[g.ZeroACount == 1 ? 0 : row];
                for (int p = 0; p < pairs; p++)
                {
                    int k = 2 * (p0 + p);
                    int lo = Read(src[k], g.ASigned) - z;
                    int hi = k + 1 < g.K ? Read(src[k + 1], g.ASigned) - z : 0;
                    d[p * mr + r] = Pair(lo, hi);
                }
            }
        }
    }

    /// <summary>
    /// Columns [col0, col0 + cols) of B and pairs [p0, p0 + pairs) into panels of <paramref name="nr"/> columns:
    /// <c>dst[(panel·pairs + p)·nr + j]</c>; columns of the last panel past <paramref name="cols"/> are zero.
    /// </summary>
    public static void PackB(in QGemmArgs g, int col0, int cols, int p0, int pairs, int nr, int* dst)
    {
        int panels = (cols + nr - 1) / nr;
        for (int panel = 0; panel < panels; panel++)
        {
            int* d = dst + (nint)panel * pairs * nr;
            int first = col0 + panel * nr, width = Math.Min(nr, cols - panel * nr);
            for (int p = 0; p < pairs; p++, d += nr)
            {
                int k = 2 * (p0 + p);
                byte* even = g.B + (nint)k * g.Ldb + first;
                byte* odd = k + 1 < g.K ? even + g.Ldb : null;
                int j = odd != null && g.ZeroBCount <= 1 ? PairsVector(even, odd, width, g.ZeroBCount == 0 ? 0 : g.ZeroB[0], g.BSigned, d) : 0;
                for (; j < width; j++)
                {
                    int z = g.ZeroBCount == 0 ? 0 : g.ZeroB[g.ZeroBCount == 1 ? 0 : first + j];
                    int lo = Read(even[j], g.BSigned) - z;
                    int hi = odd != null ? Read(odd[j], g.BSigned) - z : 0;
                    d[j] = Pair(lo, hi);
                }
                for (j = width; j < nr; j++)
                    d[j] = 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Read(byte v, bool signed) => signed ? (sbyte)v : v;

    // The leading groups of 8 columns of one pair row with one zero point, in 128-bit vectors (8-byte loads, so nothing
    // past the row is read): both rows widened to 16 bits, the zero point subtracted, interleaved as Pair does.
    // Returns the columns written.
    private static int PairsVector(byte* even, byte* odd, int width, int zero, bool signed, int* d)
    {
        if (!Vector128.IsHardwareAccelerated)
            return 0;
        var z = Vector128.Create((short)zero);
        var mask = Vector128.Create(0xFFFF);
        int j = 0;
        for (; j + 8 <= width; j += 8)
        {
            var lo = Widen(Vector64.Load(even + j), signed) - z;
            var hi = Widen(Vector64.Load(odd + j), signed) - z;
            var (lo0, lo1) = Vector128.Widen(lo);
            var (hi0, hi1) = Vector128.Widen(hi);
            ((lo0 & mask) | (hi0 << 16)).Store(d + j);
            ((lo1 & mask) | (hi1 << 16)).Store(d + j + 4);
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Widen(Vector64<byte> v, bool signed) => signed
        ? Vector128.WidenLower(Vector128.Create(v, Vector64<byte>.Zero).AsSByte())
        : Vector128.WidenLower(Vector128.Create(v, Vector64<byte>.Zero)).AsInt16();
}
