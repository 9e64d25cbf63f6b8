using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Elementwise;

/// <summary>
/// dst[i] = cond[i] ≠ 0 ? a[i] : b[i] for 4-byte elements (f32, i32, u32 moved as bits), where a and
/// b are each a run of dst's length or a single broadcast value (length 1). The condition is one byte
/// per element (ONNX bool). 16 elements per step: the condition bytes become lane masks by sign
/// extension; the rest runs the scalar reference. No alignment needed; dst must not overlap the inputs.
/// </summary>
public static class Select32
{
    /// <summary>The select; <paramref name="a"/> and <paramref name="b"/> hold dst.Length elements or one.</summary>
    /// <exception cref="ArgumentException">A span has neither dst's length nor one element.</exception>
    public static void Apply(ReadOnlySpan<byte> cond, ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> dst, SimdWidth width)
    {
        int n = dst.Length;
        if (cond.Length != n || (a.Length != n && a.Length != 1) || (b.Length != n && b.Length != 1))
            throw new ArgumentException($"select over {n} elements got condition {cond.Length}, a {a.Length}, b {b.Length}");
        int i = 0;
        if (width >= SimdWidth.V128 && Vector128.IsHardwareAccelerated && n >= 16)
        {
            bool av = a.Length == n, bv = b.Length == n;
            ref byte c = ref MemoryMarshal.GetReference(cond);
            ref uint ra = ref MemoryMarshal.GetReference(a);
            ref uint rb = ref MemoryMarshal.GetReference(b);
            ref uint rd = ref MemoryMarshal.GetReference(dst);
            var sa = Vector128.Create(a[0]);
            var sb = Vector128.Create(b[0]);
            for (; i + 16 <= n; i += 16)
            {
                // 0 → 0, nonzero → −1, then widen with sign extension to one all-ones mask per lane.
                var m8 = ~Vector128.Equals(Vector128.LoadUnsafe(ref c, (nuint)i), Vector128<byte>.Zero).AsSByte();
                var (m16lo, m16hi) = Vector128.Widen(m8);
                var (m0, m1) = Vector128.Widen(m16lo);
                var (m2, m3) = Vector128.Widen(m16hi);
                Step(m0.AsUInt32(), ref ra, ref rb, ref rd, (nuint)i, av, bv, sa, sb);
                Step(m1.AsUInt32(), ref ra, ref rb, ref rd, (nuint)i + 4, av, bv, sa, sb);
                Step(m2.AsUInt32(), ref ra, ref rb, ref rd, (nuint)i + 8, av, bv, sa, sb);
                Step(m3.AsUInt32(), ref ra, ref rb, ref rd, (nuint)i + 12, av, bv, sa, sb);
            }
        }
        Reference(cond[i..], a.Length == n ? a[i..] : a, b.Length == n ? b[i..] : b, dst[i..]);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Step(Vector128<uint> mask, ref uint a, ref uint b, ref uint d, nuint at, bool av, bool bv, Vector128<uint> sa, Vector128<uint> sb)
    {
        var x = av ? Vector128.LoadUnsafe(ref a, at) : sa;
        var y = bv ? Vector128.LoadUnsafe(ref b, at) : sb;
        Vector128.ConditionalSelect(mask, x, y).StoreUnsafe(ref d, at);
    }

    /// <summary>The scalar reference (same contract).</summary>
    public static void Reference(ReadOnlySpan<byte> cond, ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> dst)
    {
        for (int i = 0; i < dst.Length; i++)
            dst[i] = cond[i] != 0 ? a[a.Length == 1 ? 0 : i] : b[b.Length == 1 ? 0 : i];
    }
}
