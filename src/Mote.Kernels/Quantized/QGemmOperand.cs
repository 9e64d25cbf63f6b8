namespace Mote.Kernels.Quantized;

/// <summary>
/// One 8-bit operand of <see cref="QGemmKernel"/>: a row-major matrix of <see cref="Type"/> values with row
/// stride <see cref="Ld"/>, and its zero points: none (all 0), one (per tensor), or one per row of A / per
/// column of B.
/// </summary>
public readonly ref struct QGemmOperand
{
    /// <summary>An operand over <paramref name="data"/>.</summary>
    public QGemmOperand(ReadOnlySpan<byte> data, int ld, QuantType8 type, ReadOnlySpan<int> zeroPoints = default)
    {
        Data = data;
        Ld = ld;
        Type = type;
        ZeroPoints = zeroPoints;
    }

    /// <summary>The elements; must reach the last one used, <c>(rows − 1)·Ld + columns</c>.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Row stride in elements.</summary>
    public int Ld { get; }

    /// <summary>How the bytes are read.</summary>
    public QuantType8 Type { get; }

    /// <summary>Empty (0), one value (per tensor) or one per row (A) / column (B); each in the type's range.</summary>
    public ReadOnlySpan<int> ZeroPoints { get; }
}
