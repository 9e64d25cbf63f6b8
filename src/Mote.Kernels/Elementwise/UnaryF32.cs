using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Elementwise;

/// <summary>
/// Applies an <see cref="IUnaryOperatorF32"/> to a span. Layout contract: <c>x</c> and <c>y</c> have
/// the same length and are either disjoint or exactly the same memory (in place); no alignment is
/// required. The tail is one overlapping last vector, loaded before anything is stored so that in-place
/// use stays correct; spans shorter than one 128-bit vector run the scalar reference.
/// </summary>
public static class UnaryF32
{
    /// <summary>y[i] = op(x[i]) using vectors no wider than <paramref name="width"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Apply<TOp>(in TOp op, ReadOnlySpan<float> x, Span<float> y, SimdWidth width)
        where TOp : struct, IUnaryOperatorF32
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"input has {x.Length} elements, output {y.Length}", nameof(y));
        TOp o = op;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length;
        if (width >= SimdWidth.V512 && Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
            Apply512(o, ref xs, ref ys, n);
        else if (width >= SimdWidth.V256 && Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<float>.Count)
            Apply256(o, ref xs, ref ys, n);
        else if (width >= SimdWidth.V128 && Vector128.IsHardwareAccelerated && n >= (nuint)Vector128<float>.Count)
            Apply128(o, ref xs, ref ys, n);
        else
            for (nuint i = 0; i < n; i++)
                Unsafe.Add(ref ys, i) = o.Invoke(Unsafe.Add(ref xs, i));
    }

    /// <summary>The scalar reference over a span, whatever the hardware.</summary>
    public static void Reference<TOp>(in TOp op, ReadOnlySpan<float> x, Span<float> y) where TOp : struct, IUnaryOperatorF32
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"input has {x.Length} elements, output {y.Length}", nameof(y));
        for (int i = 0; i < x.Length; i++)
            y[i] = op.Invoke(x[i]);
    }

    /// <summary>y[i] = op(x[i]) in double precision.</summary>
    public static void Apply<TOp>(in TOp op, ReadOnlySpan<double> x, Span<double> y) where TOp : struct, IUnaryOperatorF64
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"input has {x.Length} elements, output {y.Length}", nameof(y));
        TOp o = op;
        for (int i = 0; i < x.Length; i++)
            y[i] = o.Invoke(x[i]);
    }

    private static void Apply512<TOp>(TOp op, ref float x, ref float y, nuint n) where TOp : struct, IUnaryOperatorF32
    {
        nuint step = (nuint)Vector512<float>.Count;
        nuint lastAt = n - step;
        var last = Vector512.LoadUnsafe(ref x, lastAt);
        for (nuint i = 0; i < lastAt; i += step)
            op.Invoke(Vector512.LoadUnsafe(ref x, i)).StoreUnsafe(ref y, i);
        op.Invoke(last).StoreUnsafe(ref y, lastAt);
    }

    private static void Apply256<TOp>(TOp op, ref float x, ref float y, nuint n) where TOp : struct, IUnaryOperatorF32
    {
        nuint step = (nuint)Vector256<float>.Count;
        nuint lastAt = n - step;
        var last = Vector256.LoadUnsafe(ref x, lastAt);
        for (nuint i = 0; i < lastAt; i += step)
            op.Invoke(Vector256.LoadUnsafe(ref x, i)).StoreUnsafe(ref y, i);
        op.Invoke(last).StoreUnsafe(ref y, lastAt);
    }

    private static void Apply128<TOp>(TOp op, ref float x, ref float y, nuint n) where TOp : struct, IUnaryOperatorF32
    {
        nuint step = (nuint)Vector128<float>.Count;
        nuint lastAt = n - step;
        var last = Vector128.LoadUnsafe(ref x, lastAt);
        for (nuint i = 0; i < lastAt; i += step)
            op.Invoke(Vector128.LoadUnsafe(ref x, i)).StoreUnsafe(ref y, i);
        op.Invoke(last).StoreUnsafe(ref y, lastAt);
    }
}
