using System.Numerics.Tensors;

namespace Mote.Kernels.Attention;

/// <summary>
/// Rotary position embedding of one head row in f32. The first <c>2·cos.Length</c> values form pairs
/// (x1, x2) rotated by the angle whose cosine and sine are given: (x1·cos − x2·sin, x1·sin + x2·cos);
/// the rest of the row is copied. Pairs are the two halves of the rotated part (GPT-NeoX style), or
/// neighbours (2i, 2i+1) when interleaved (GPT-J style). x and y must not overlap.
/// </summary>
public static class RotaryEmbeddingF32
{
    /// <summary>Rotates one row; vectorized (TensorPrimitives) in the halves layout.</summary>
    public static void Rotate(ReadOnlySpan<float> x, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, Span<float> y, bool interleaved)
    {
        int half = cos.Length, rotated = 2 * half;
        if (sin.Length != half || x.Length < rotated || y.Length != x.Length)
            throw new ArgumentException($"row of {x.Length} (output {y.Length}) cannot rotate {rotated} values with {half} cos / {sin.Length} sin values");
        if (interleaved)
        {
            Reference(x, cos, sin, y, interleaved);
            return;
        }
        var x1 = x[..half];
        var x2 = x.Slice(half, half);
        var y1 = y[..half];
        var y2 = y.Slice(half, half);
        // y2 holds x2·sin for a moment; then y1 = x1·cos − x2·sin and y2 = x1·sin + x2·cos.
        TensorPrimitives.Multiply(x2, sin, y2);
        TensorPrimitives.Multiply(x1, cos, y1);
        TensorPrimitives.Subtract(y1, y2, y1);
        TensorPrimitives.Multiply(x1, sin, y2);
        TensorPrimitives.MultiplyAdd(x2, cos, y2, y2);
        x[rotated..].CopyTo(y[rotated..]);
    }

    /// <summary>Scalar reference of <see cref="Rotate"/>.</summary>
    public static void Reference(ReadOnlySpan<float> x, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, Span<float> y, bool interleaved)
    {
        int half = cos.Length;
        for (int i = 0; i < half; i++)
        {
            int i1 = interleaved ? 2 * i : i, i2 = interleaved ? 2 * i + 1 : i + half;
            float a = x[i1], b = x[i2];
            y[i1] = a * cos[i] - b * sin[i];
            y[i2] = a * sin[i] + b * cos[i];
        }
        x[(2 * half)..].CopyTo(y[(2 * half)..]);
    }
}
