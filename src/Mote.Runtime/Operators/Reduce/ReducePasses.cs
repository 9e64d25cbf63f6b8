using System.Numerics;
using System.Numerics.Tensors;

namespace Mote.Runtime.Operators.Reduce;

/// <summary>
/// Reduction over kept/reduced dimension groups (see <see cref="ReduceAxes.Groups"/>) as a sequence
/// of [outer, r, inner] passes from the innermost reduced group outward. A pass with inner = 1
/// reduces contiguous rows (TensorPrimitives' vectorized Sum/Max/Min/Product/SumOfSquares); with
/// inner &gt; 1 it accumulates whole rows elementwise (vectorized Add/Max/Min/Multiply/MultiplyAdd),
/// which covers reducing a middle axis (mean over H·W of NCHW) without transposing. The element map
/// (|x|, x²) is applied in the first pass only; later passes just accumulate.
/// </summary>
internal static class ReducePasses<T> where T : unmanaged, INumber<T>, IMinMaxValue<T>
{
    private static bool IsFloat => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    /// <summary>Elements of scratch <see cref="Run"/> needs for these groups.</summary>
    public static long ScratchElements(ReadOnlySpan<long> sizes, ReadOnlySpan<bool> isReduced)
    {
        long maxInner = 0, firstOut = -1, inner = 1;
        for (int j = sizes.Length - 1; j >= 0; j--)
        {
            if (!isReduced[j])
            {
                inner *= sizes[j];
                continue;
            }
            maxInner = Math.Max(maxInner, inner);
            if (firstOut < 0)
            {
                // The first pass's output: every group but this one.
                firstOut = 1;
                for (int i = 0; i < sizes.Length; i++)
                    if (i != j)
                        firstOut *= sizes[i];
            }
        }
        // Two ping-pong intermediates no larger than the first pass's output, and one row for |x|.
        return 2 * Math.Max(0, firstOut) + maxInner;
    }

    /// <summary>y = reduce(x) for the given groups (outermost first); count = number of elements per output.</summary>
    public static void Run(ReduceKind kind, ReadOnlySpan<T> x, Span<T> y, Span<long> sizes, ReadOnlySpan<bool> isReduced, Span<T> scratch)
    {
        int m = sizes.Length;
        long count = 1;
        int reducedGroups = 0;
        for (int j = 0; j < m; j++)
            if (isReduced[j])
            {
                count *= sizes[j];
                reducedGroups++;
            }
        if (reducedGroups == 0)
        {
            // Every reduced axis has length 1 (or there are none): reduce each element on its own.
            if (kind is ReduceKind.L1 or ReduceKind.L2)
                Abs(x, y);
            else
                Map(kind, x, y);
            if (kind == ReduceKind.LogSum)
                ApplyDouble(y, sqrt: false);
            return;
        }
        long total = 1;
        foreach (var s in sizes)
            total *= s;
        Span<bool> alive = stackalloc bool[m];
        alive.Fill(true);
        ReadOnlySpan<T> src = x;
        bool first = true;
        int done = 0;
        long firstOut = 0;
        for (int j = m - 1; j >= 0; j--)
        {
            if (!isReduced[j])
                continue;
            long outer = 1, inner = 1;
            for (int i = 0; i < j; i++)
                outer *= sizes[i];
            for (int i = j + 1; i < m; i++)
                if (alive[i])
                    inner *= sizes[i];
            long r = sizes[j];
            long outCount = outer * inner;
            if (first)
                firstOut = outCount;
            done++;
            Span<T> dst;
            if (done == reducedGroups)
                dst = y;
            else
                dst = scratch.Slice((int)((done % 2) * firstOut), (int)outCount);
            var row = scratch.Slice((int)(2 * firstOut));
            Pass(kind, first, src, dst, outer, (int)r, (int)inner, row);
            src = dst;
            alive[j] = false;
            first = false;
        }
        Finish(kind, y, count);
    }

    private static void Pass(ReduceKind kind, bool first, ReadOnlySpan<T> src, Span<T> dst, long outer, int r, int inner, Span<T> row)
    {
        if (r == 0)
        {
            dst.Fill(Identity(kind));
            return;
        }
        if (inner == 1)
        {
            for (long o = 0; o < outer; o++)
                dst[(int)o] = Row(kind, first, src.Slice((int)(o * r), r));
            return;
        }
        for (long o = 0; o < outer; o++)
        {
            var d = dst.Slice((int)(o * inner), inner);
            int b = (int)(o * r * inner);
            var s0 = src.Slice(b, inner);
            if (first)
                Map(kind, s0, d);
            else
                s0.CopyTo(d);
            for (int k = 1; k < r; k++)
                Accumulate(kind, first, src.Slice(b + k * inner, inner), d, row[..inner]);
        }
    }

    private static T Row(ReduceKind kind, bool first, ReadOnlySpan<T> s)
    {
        switch (kind)
        {
            case ReduceKind.Max: return TensorPrimitives.Max(s);
            case ReduceKind.Min: return TensorPrimitives.Min(s);
            case ReduceKind.Prod: return TensorPrimitives.Product(s);
        }
        if (first && kind is ReduceKind.L2 or ReduceKind.SumSquare)
            return TensorPrimitives.SumOfSquares(s);
        if (first && kind == ReduceKind.L1)
        {
            if (IsFloat)
                return TensorPrimitives.SumOfMagnitudes(s);
            T a = T.Zero;
            foreach (var v in s)
                a += T.IsNegative(v) ? T.Zero - v : v;
            return a;
        }
        return TensorPrimitives.Sum(s);
    }

    private static void Accumulate(ReduceKind kind, bool first, ReadOnlySpan<T> s, Span<T> d, Span<T> row)
    {
        switch (kind)
        {
            case ReduceKind.Max: TensorPrimitives.Max(d, s, d); return;
            case ReduceKind.Min: TensorPrimitives.Min(d, s, d); return;
            case ReduceKind.Prod: TensorPrimitives.Multiply(d, s, d); return;
        }
        if (first && kind is ReduceKind.L2 or ReduceKind.SumSquare)
            TensorPrimitives.MultiplyAdd(s, s, d, d);
        else if (first && kind == ReduceKind.L1)
        {
            Abs(s, row);
            TensorPrimitives.Add(d, row, d);
        }
        else
            TensorPrimitives.Add(d, s, d);
    }

    /// <summary>The per-element map of <paramref name="kind"/>: |x| for L1, x² for L2 and SumSquare, x otherwise.</summary>
    private static void Map(ReduceKind kind, ReadOnlySpan<T> s, Span<T> d)
    {
        switch (kind)
        {
            case ReduceKind.L1:
                Abs(s, d);
                break;
            case ReduceKind.L2 or ReduceKind.SumSquare:
                TensorPrimitives.Multiply(s, s, d);
                break;
            default:
                s.CopyTo(d);
                break;
        }
    }

    private static void Abs(ReadOnlySpan<T> s, Span<T> d)
    {
        if (IsFloat)
        {
            TensorPrimitives.Abs(s, d);
            return;
        }
        for (int i = 0; i < s.Length; i++)
            d[i] = T.IsNegative(s[i]) ? T.Zero - s[i] : s[i];
    }

    private static T Identity(ReduceKind kind) => kind switch
    {
        ReduceKind.Prod => T.One,
        ReduceKind.Max => IsFloat ? T.CreateTruncating(double.NegativeInfinity) : T.MinValue,
        ReduceKind.Min => IsFloat ? T.CreateTruncating(double.PositiveInfinity) : T.MaxValue,
        _ => T.Zero,
    };

    /// <summary>The finishing step: ÷count (Mean), √ (L2), log (LogSum).</summary>
    private static void Finish(ReduceKind kind, Span<T> y, long count)
    {
        switch (kind)
        {
            case ReduceKind.Mean when count != 1:
                if (IsFloat)
                    TensorPrimitives.Divide(y, T.CreateTruncating(count), y);
                else if (count == 0)
                    y.Clear();
                else
                    TensorPrimitives.Divide(y, T.CreateTruncating(count), y);
                break;
            case ReduceKind.L2:
                ApplyDouble(y, sqrt: true);
                break;
            case ReduceKind.LogSum:
                ApplyDouble(y, sqrt: false);
                break;
        }
    }

    // √ or log in place: vectorized for f32, in double (then truncated, saturating) otherwise.
    private static void ApplyDouble(Span<T> y, bool sqrt)
    {
        if (typeof(T) == typeof(float))
        {
            var ys = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(y);
            if (sqrt)
                TensorPrimitives.Sqrt(ys, ys);
            else
                TensorPrimitives.Log(ys, ys);
            return;
        }
        for (int i = 0; i < y.Length; i++)
        {
            double v = double.CreateTruncating(y[i]);
            v = sqrt ? Math.Sqrt(v) : Math.Log(v);
            y[i] = IsFloat ? T.CreateTruncating(v) : T.CreateSaturating(Math.Truncate(v));
        }
    }
}
