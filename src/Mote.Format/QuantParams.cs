namespace Mote.Format;

/// <summary>
/// Affine quantization parameters: <c>real = scale * (q - zeroPoint)</c>. Either one scale and zero
/// point for the whole tensor (<see cref="Axis"/> is null) or one per slice along <see cref="Axis"/>.
/// </summary>
public sealed class QuantParams
{
    /// <summary>Creates parameters; per-tensor when <paramref name="axis"/> is null.</summary>
    /// <exception cref="ArgumentException">Scales and zero points differ in length, or are empty.</exception>
    public QuantParams(float[] scales, int[] zeroPoints, int? axis = null)
    {
        if (scales.Length == 0 || scales.Length != zeroPoints.Length)
            throw new ArgumentException($"quantization needs as many zero points as scales (got {scales.Length} scales, {zeroPoints.Length} zero points)");
        if (axis is null && scales.Length != 1)
            throw new ArgumentException("per-tensor quantization has exactly one scale");
        Scales = scales;
        ZeroPoints = zeroPoints;
        Axis = axis;
    }

    /// <summary>The channel axis for per-axis quantization; null for per-tensor.</summary>
    public int? Axis { get; }

    /// <summary>Scales, one per tensor or per slice.</summary>
    public float[] Scales { get; }

    /// <summary>Zero points in the quantized type's range, one per scale.</summary>
    public int[] ZeroPoints { get; }
}
