namespace Mote.Kernels.Quantized;

/// <summary>
/// Int32 accumulators back to 8 bits, the output stage of QLinearMatMul and QLinearConv:
/// <c>y[r, c] = clamp(roundHalfEven((acc[r, c] + bias[r]) · m(r, c)) + zeroPoint)</c> with the multiplier
/// <c>m(r, c) = rowScale[r] · colScale[c] / outScale</c> computed in f32 (the scales' precision, in the order
/// ONNX's reference implementation uses) and the product in f64 (as the reference's NumPy promotion does).
/// The zero point is added after rounding, as the operators' spec states it (QuantizeLinear's formula).
/// </summary>
/// <remarks>
/// Layout contract: <c>acc</c> is rows × cols with row stride <c>ldAcc</c>, <c>y</c>
/// rows × cols with stride <c>ldy</c>; <c>rowBias</c> is empty or one per row; <c>rowScale</c> and
/// <c>colScale</c> hold one value (per tensor) or one per row / column. The bias is added in int32 (wrapping,
/// like the reference's int32 arithmetic).
/// </remarks>
public static class Requantize
{
    /// <summary>Requantizes a block of accumulators into 8-bit values of <paramref name="type"/>.</summary>
    public static void Block(ReadOnlySpan<int> acc, int rows, int cols, int ldAcc, ReadOnlySpan<int> rowBias,
        ReadOnlySpan<float> rowScale, ReadOnlySpan<float> colScale, float outScale, int zeroPoint, QuantType8 type, Span<byte> y, int ldy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (rows == 0 || cols == 0)
            return;
        if (ldAcc < cols || ldy < cols)
            throw new ArgumentOutOfRangeException(nameof(ldAcc), "Row strides must be at least the column count.");
        if (acc.Length < (long)(rows - 1) * ldAcc + cols || y.Length < (long)(rows - 1) * ldy + cols)
            throw new ArgumentException("Accumulator or output span is shorter than the block.");
        if (rowBias.Length is not 0 && rowBias.Length != rows)
            throw new ArgumentException($"{rowBias.Length} biases for {rows} rows.", nameof(rowBias));
        if (rowScale.Length != 1 && rowScale.Length != rows)
            throw new ArgumentException($"{rowScale.Length} row scales for {rows} rows.", nameof(rowScale));
        if (colScale.Length != 1 && colScale.Length != cols)
            throw new ArgumentException($"{colScale.Length} column scales for {cols} columns.", nameof(colScale));
        type.CheckZeroPoints([zeroPoint], nameof(zeroPoint));
        int lo = type.Min(), hi = type.Max();
        for (int r = 0; r < rows; r++)
        {
            int bias = rowBias.IsEmpty ? 0 : rowBias[r];
            float rs = rowScale[rowScale.Length == 1 ? 0 : r];
            ReadOnlySpan<int> a = acc.Slice(r * ldAcc, cols);
            Span<byte> dst = y.Slice(r * ldy, cols);
            if (colScale.Length == 1)
            {
                double m = rs * colScale[0] / outScale;
                int c = double.IsFinite(m) ? RequantizeRow.Leading(a, bias, m, zeroPoint, lo, hi, dst) : 0;
                for (; c < cols; c++)
                    dst[c] = One(unchecked(a[c] + bias), m, zeroPoint, lo, hi);
            }
            else
            {
                for (int c = 0; c < cols; c++)
                    dst[c] = One(unchecked(a[c] + bias), rs * colScale[c] / outScale, zeroPoint, lo, hi);
            }
        }
    }

    /// <summary>One value: the multiplier arrives already rounded to f32.</summary>
    public static byte One(int acc, double multiplier, int zeroPoint, int lo, int hi)
    {
        double v = Math.Round(acc * multiplier, MidpointRounding.ToEven) + zeroPoint;
        // NaN (a NaN or infinite scale) has no integer image: 0, as in QuantizeLinear.
        int q = double.IsNaN(v) ? 0 : v <= lo ? lo : v >= hi ? hi : (int)v;
        return (byte)q;
    }
}
