using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Elementwise;

/// <summary>
/// Softmax and log-softmax in single precision. Rows are shifted by their maximum before
/// exponentiating (so large inputs do not overflow); a row holding NaN gives NaN. Layout: a row is
/// contiguous (<see cref="Softmax"/>), or the reduced axis has a stride (<see cref="SoftmaxStrided"/>:
/// <c>n</c> rows of <c>inner</c> contiguous lanes, each lane normalized across the rows). Outputs may
/// not overlap inputs except exactly (in place).
/// </summary>
public static class SoftmaxF32
{
    /// <summary>y = e^(x − max x) / Σ e^(x − max x) over one contiguous row.</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, SimdWidth width)
    {
        if (x.Length == 0)
            return;
        float max = MaxF32.Max(x, width);
        float sum = ExpShiftSum(x, -max, y, width);
        UnaryF32.Apply(new ScaleFn(1 / sum), y, y, width);
    }

    /// <summary>y = x − max x − log Σ e^(x − max x) over one contiguous row.</summary>
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y, SimdWidth width)
    {
        if (x.Length == 0)
            return;
        float max = MaxF32.Max(x, width);
        float sum = ExpShiftSum(x, -max, y, width);
        // (x − max) − log sum: x − max is exact near the maximum, so the largest entries keep full accuracy.
        UnaryF32.Apply(new OffsetFn(max, MathF.Log(sum)), x, y, width);
    }

    /// <summary>
    /// Softmax (or log-softmax) across <paramref name="n"/> rows of <paramref name="inner"/> lanes:
    /// x[k·inner + i] for k &lt; n is one softmax group per lane i. <paramref name="scratch"/> holds at
    /// least 2·inner floats.
    /// </summary>
    public static void SoftmaxStrided(ReadOnlySpan<float> x, Span<float> y, int n, int inner, Span<float> scratch, bool log, SimdWidth width)
    {
        if (n == 0 || inner == 0)
            return;
        var max = scratch[..inner];
        var sum = scratch.Slice(inner, inner);
        x[..inner].CopyTo(max);
        for (int k = 1; k < n; k++)
            TensorPrimitives.Max(max, x.Slice(k * inner, inner), max);
        sum.Clear();
        var exp = new ExpFn();
        for (int k = 0; k < n; k++)
        {
            var yk = y.Slice(k * inner, inner);
            TensorPrimitives.Subtract(x.Slice(k * inner, inner), max, yk);
            UnaryF32.Apply(exp, yk, yk, width);
            TensorPrimitives.Add(sum, yk, sum);
        }
        if (log)
        {
            // (x − max) − log(sum) per lane.
            TensorPrimitives.Log(sum, sum);
            for (int k = 0; k < n; k++)
            {
                var yk = y.Slice(k * inner, inner);
                TensorPrimitives.Subtract(x.Slice(k * inner, inner), max, yk);
                TensorPrimitives.Subtract(yk, sum, yk);
            }
            return;
        }
        TensorPrimitives.Reciprocal(sum, sum);
        for (int k = 0; k < n; k++)
            TensorPrimitives.Multiply(y.Slice(k * inner, inner), sum, y.Slice(k * inner, inner));
    }

    /// <summary>
    /// y[i] = e^(x[i] + shift); returns Σ y[i] (float accumulation). The vector paths flush results below
    /// e^<see cref="FlushBelow"/> (≈ 4e−38) to zero.
    /// </summary>
    public static float ExpShiftSum(ReadOnlySpan<float> x, float shift, Span<float> y, SimdWidth width)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"input has {x.Length} elements, output {y.Length}", nameof(y));
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length;
        if (width >= SimdWidth.V512 && Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
            return ExpShiftSum512(ref xs, shift, ref ys, n);
        if (width >= SimdWidth.V256 && Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<float>.Count)
            return ExpShiftSum256(ref xs, shift, ref ys, n);
        if (width >= SimdWidth.V128 && Vector128.IsHardwareAccelerated && n >= (nuint)Vector128<float>.Count)
            return ExpShiftSum128(ref xs, shift, ref ys, n);
        return ExpShiftSumReference(x, shift, y);
    }

    /// <summary>Scalar reference of <see cref="ExpShiftSum"/>.</summary>
    public static float ExpShiftSumReference(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        float sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = MathF.Exp(x[i] + shift);
            sum += y[i];
        }
        return sum;
    }

    /// <summary>
    /// Softmax inputs (shifted by the row maximum) below this give 0 instead of a denormal or tiny normal: next to
    /// a sum of at least 1 they change nothing, while denormal results cost a microcode assist per lane on x64
    /// (seen: 5–20× slower rows), which every masked key of an attention row would otherwise pay, again in the
    /// product with V. −86 keeps the exponent in the exp kernels' fast range.
    /// </summary>
    public const float FlushBelow = -86f;

    // NaN is not below the bound, so it still reaches the exp and propagates.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpFlushed(Vector512<float> v) =>
        Vector512.AndNot(ExpF32.Exp(Vector512.Max(v, Vector512.Create(FlushBelow))), Vector512.LessThan(v, Vector512.Create(FlushBelow)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpFlushed(Vector256<float> v) =>
        Vector256.AndNot(ExpF32.Exp(Vector256.Max(v, Vector256.Create(FlushBelow))), Vector256.LessThan(v, Vector256.Create(FlushBelow)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ExpFlushed(Vector128<float> v) =>
        Vector128.AndNot(ExpF32.Exp(Vector128.Max(v, Vector128.Create(FlushBelow))), Vector128.LessThan(v, Vector128.Create(FlushBelow)));

    // The overlapping last vector recomputes lanes already stored; only its new lanes join the sum.
    private static float ExpShiftSum512(ref float x, float shift, ref float y, nuint n)
    {
        nuint step = (nuint)Vector512<float>.Count;
        nuint lastAt = n - step;
        var s = Vector512.Create(shift);
        var last = Vector512.LoadUnsafe(ref x, lastAt);
        var acc = Vector512<float>.Zero;
        nuint i = 0;
        for (; i + step <= n; i += step)
        {
            var e = ExpFlushed(Vector512.LoadUnsafe(ref x, i) + s);
            e.StoreUnsafe(ref y, i);
            acc += e;
        }
        if (i < n)
        {
            var e = ExpFlushed(last + s);
            e.StoreUnsafe(ref y, lastAt);
            var fresh = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create((int)(step - (n - i)))).AsSingle();
            acc += e & fresh;
        }
        // Halving adds: cheaper than Vector512.Sum's lane extraction.
        var half = acc.GetLower() + acc.GetUpper();
        return Vector128.Sum(half.GetLower() + half.GetUpper());
    }

    private static float ExpShiftSum256(ref float x, float shift, ref float y, nuint n)
    {
        nuint step = (nuint)Vector256<float>.Count;
        nuint lastAt = n - step;
        var s = Vector256.Create(shift);
        var last = Vector256.LoadUnsafe(ref x, lastAt);
        var acc = Vector256<float>.Zero;
        nuint i = 0;
        for (; i + step <= n; i += step)
        {
            var e = ExpFlushed(Vector256.LoadUnsafe(ref x, i) + s);
            e.StoreUnsafe(ref y, i);
            acc += e;
        }
        if (i < n)
        {
            var e = ExpFlushed(last + s);
            e.StoreUnsafe(ref y, lastAt);
            var fresh = Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create((int)(step - (n - i)))).AsSingle();
            acc += e & fresh;
        }
        return Vector128.Sum(acc.GetLower() + acc.GetUpper());
    }

    private static float ExpShiftSum128(ref float x, float shift, ref float y, nuint n)
    {
        nuint step = (nuint)Vector128<float>.Count;
        nuint lastAt = n - step;
        var s = Vector128.Create(shift);
        var last = Vector128.LoadUnsafe(ref x, lastAt);
        var acc = Vector128<float>.Zero;
        nuint i = 0;
        for (; i + step <= n; i += step)
        {
            var e = ExpFlushed(Vector128.LoadUnsafe(ref x, i) + s);
            e.StoreUnsafe(ref y, i);
            acc += e;
        }
        if (i < n)
        {
            var e = ExpFlushed(last + s);
            e.StoreUnsafe(ref y, lastAt);
            var fresh = Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create((int)(step - (n - i)))).AsSingle();
            acc += e & fresh;
        }
        return Vector128.Sum(acc);
    }
}
