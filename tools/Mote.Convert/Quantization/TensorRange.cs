namespace Mote.Convert.Quantization;

/// <summary>The real interval an activation's 8-bit values cover, as calibration chose it.</summary>
public readonly record struct TensorRange(float Min, float Max)
{
    /// <summary>The uint8 affine parameters of this range: it is widened to hold 0 (so zero padding is exact), scale = width / 255.</summary>
    public (float Scale, byte ZeroPoint) ToUInt8()
    {
        double lo = Math.Min(Min, 0f), hi = Math.Max(Max, 0f);
        if (!(hi - lo > 1e-30) || double.IsNaN(lo) || double.IsNaN(hi))
            return (1f, 0);
        float scale = (float)((hi - lo) / 255);
        int zero = (int)Math.Round(-lo / scale, MidpointRounding.ToEven);
        return (scale, (byte)Math.Clamp(zero, 0, 255));
    }
}
