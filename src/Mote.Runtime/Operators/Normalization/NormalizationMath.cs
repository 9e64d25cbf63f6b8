using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Kernels.Elementwise;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Normalization;

/// <summary>Shared pieces of the normalization operators: two-pass row statistics, per-channel affine maps, parameter reads.</summary>
internal static class NormalizationMath
{
    /// <summary>
    /// y = x − mean(x); returns the mean and the population variance. Two passes (mean first, then the
    /// squares of the centered values), so the variance does not cancel for data far from zero.
    /// </summary>
    public static (T Mean, T Variance) Center<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length == 0)
            return (T.NaN, T.NaN);
        T n = T.CreateTruncating(x.Length);
        T mean = TensorPrimitives.Sum(x) / n;
        TensorPrimitives.Subtract(x, mean, y);
        return (mean, TensorPrimitives.SumOfSquares(y) / n);
    }

    /// <summary>y[n, c, :] = a[c]·x[n, c, :] + b[c] for x laid out [batch, channels, spatial].</summary>
    public static void ChannelAffine<T>(ReadOnlySpan<T> x, Span<T> y, ReadOnlySpan<T> a, ReadOnlySpan<T> b, long batch, int channels, int spatial, SimdWidth width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
            {
                int at = (int)((n * channels + c) * spatial);
                Affine(x.Slice(at, spatial), a[c], b[c], y.Slice(at, spatial), width);
            }
    }

    /// <summary>y = a·x + b (vectorized kernel for f32; x and y may be the same memory).</summary>
    public static void Affine<T>(ReadOnlySpan<T> x, T a, T b, Span<T> y, SimdWidth width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            UnaryF32.Apply(new AffineFn(float.CreateTruncating(a), float.CreateTruncating(b)),
                MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y), width);
            return;
        }
        for (int i = 0; i < x.Length; i++)
            y[i] = x[i] * a + b;
    }

    /// <summary>Element <paramref name="i"/> of a float tensor as <typeparamref name="T"/>.</summary>
    public static T Read<T>(TensorValue v, int i) where T : IFloatingPointIeee754<T> =>
        v.Type == DataType.Float64 ? T.CreateTruncating(v.Span<double>()[i]) : T.CreateTruncating(v.Span<float>()[i]);

    /// <summary>Copies a float tensor (f32 or f64) into <paramref name="dst"/> as <typeparamref name="T"/>.</summary>
    public static void Read<T>(TensorValue v, Span<T> dst) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < dst.Length; i++)
            dst[i] = Read<T>(v, i);
    }

    /// <summary>Throws unless input <paramref name="i"/> is a float vector of <paramref name="length"/> elements.</summary>
    public static void RequireVector(ShapeContext ctx, int i, long length, string name)
    {
        var t = ctx.InputType(i);
        if (t is not (DataType.Float32 or DataType.Float64))
            throw new MoteNotSupportedException($"{name} has type {t.ShortName()}; supported: f32, f64");
        if (ShapeMath.Count(ctx.InputShape(i)) != length || ctx.InputRank(i) > 1 && ctx.InputShape(i).Count(d => d != 1) > 1)
            throw new MoteShapeException($"{name} must hold {length} values, got shape {ShapeMath.Format(ctx.InputShape(i))}");
    }
}
