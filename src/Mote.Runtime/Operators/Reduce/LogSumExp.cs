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
        // Output stride of each group (0 for reduced groups), outermost first.
        Span<long> stride = stackalloc long[Math.Max(1, m)];
        long acc = 1;
        for (int j = m - 1; j >= 0; j--)
        {
            stride[j] = isReduced[j] ? 0 : acc;
            if (!isReduced[j])
                acc *= sizes[j];
        }
        Span<long> index = stackalloc long[Math.Max(1, m)];
        for (int pass = 0; pass < 2; pass++)
        {
            index.Clear();
            long o = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double v = double.CreateTruncating(x[i]);
                if (pass == 0)
                    max[(int)o] = double.IsNaN(v) || double.IsNaN(max[(int)o]) ? double.NaN : Math.Max(max[(int)o], v);
                else if (!double.IsNegativeInfinity(max[(int)o]))
                    sum[(int)o] += Math.Exp(v - max[(int)o]);
                for (int d = m - 1; d >= 0; d--)
                {
                    o += stride[d];
                    if (++index[d] < sizes[d])
                        break;
                    o -= stride[d] * sizes[d];
                    index[d] = 0;
                }
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
