using System.Numerics;

namespace Mote.Runtime.Operators.Reduce;

/// <summary>
/// ReduceLogSumExp: log Σ e^x computed as max + log Σ e^(x − max) per output element (no overflow),
/// in double, by walking the input once for the maxima and once for the sums. Scalar: the operator
/// is rare in inference graphs.
/// </summary>
internal static class LogSumExp<T> where T : unmanaged, INumber<T>
{
    /// <summary>y = log Σ e^x over the reduced groups; <paramref name="scratch"/> holds 2·y.Length doubles.</summary>
    public static void Run(ReadOnlySpan<T> x, Span<T> y, ReadOnlySpan<long> sizes, ReadOnlySpan<bool> isReduced, Span<double> scratch)
    {
        int m = sizes.Length;
        var max = scratch[..y.Length];
        var sum = scratch.Slice(y.Length, y.Length);
        max.Fill(double.NegativeInfinity);
        sum.Clear();
        Span<long> stride = stackalloc long[Math.Max(1, m)];
        Span<long> index = stackalloc long[Math.Max(1, m)];
        var walk = new ReducedIndexWalker(sizes, isReduced, stride, index);
        for (int pass = 0; pass < 2; pass++)
        {
            walk.Reset();
            for (int i = 0; i < x.Length; i++, walk.Next())
            {
                int o = (int)walk.Output;
                double v = double.CreateTruncating(x[i]);
                if (pass == 0)
                    max[o] = double.IsNaN(v) || double.IsNaN(max[o]) ? double.NaN : Math.Max(max[o], v);
                else if (!double.IsNegativeInfinity(max[o]))
                    sum[o] += Math.Exp(v - max[o]);
            }
        }
        for (int k = 0; k < y.Length; k++)
        {
            // All −∞ (or an empty set): log 0 = −∞.
            double r = double.IsNegativeInfinity(max[k]) ? double.NegativeInfinity : max[k] + Math.Log(sum[k]);
            y[k] = typeof(T) == typeof(float) || typeof(T) == typeof(double) ? T.CreateTruncating(r) : T.CreateSaturating(Math.Truncate(r));
        }
    }
}
