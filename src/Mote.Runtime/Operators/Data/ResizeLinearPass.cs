using System.Numerics.Tensors;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// One separable float32 Resize pass along one dimension, viewed as [outer, inLen, inner] →
/// [outer, outLen, inner]: each output line is the weighted sum of its taps' input lines. Along
/// the last dimension (inner = 1) this is a gather with multiply-adds; along any other dimension
/// whole rows are blended with vectorized multiply-adds.
/// </summary>
internal static class ResizeLinearPass
{
    public static void Run(ReadOnlySpan<float> src, Span<float> dst, long outer, int inLen, int outLen, long inner,
        ReadOnlySpan<int> index, ReadOnlySpan<float> weight, ReadOnlySpan<byte> outside, int taps, float extrapolation)
    {
        if (inner == 1)
        {
            for (long o = 0; o < outer; o++)
            {
                var s = src.Slice((int)(o * inLen), inLen);
                var d = dst.Slice((int)(o * outLen), outLen);
                if (taps == 2)
                {
                    for (int j = 0; j < d.Length; j++)
                        d[j] = outside[j] != 0 ? extrapolation : s[index[2 * j]] * weight[2 * j] + s[index[2 * j + 1]] * weight[2 * j + 1];
                    continue;
                }
                for (int j = 0; j < d.Length; j++)
                {
                    if (outside[j] != 0)
                    {
                        d[j] = extrapolation;
                        continue;
                    }
                    float acc = 0;
                    for (int t = 0; t < taps; t++)
                        acc += s[index[j * taps + t]] * weight[j * taps + t];
                    d[j] = acc;
                }
            }
            return;
        }
        int n = (int)inner;
        for (long o = 0; o < outer; o++)
        {
            long s0 = o * inLen, d0 = o * outLen;
            for (int j = 0; j < outLen; j++)
            {
                var d = dst.Slice((int)((d0 + j) * n), n);
                if (outside[j] != 0)
                {
                    d.Fill(extrapolation);
                    continue;
                }
                TensorPrimitives.Multiply(src.Slice((int)((s0 + index[j * taps]) * n), n), weight[j * taps], d);
                for (int t = 1; t < taps; t++)
                    TensorPrimitives.MultiplyAdd(src.Slice((int)((s0 + index[j * taps + t]) * n), n), weight[j * taps + t], d, d);
            }
        }
    }
}
