namespace Mote.Convert.Quantization;

/// <summary>How calibration turns the values an activation took on the samples into the range its 8 bits cover.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen: nothing saturates, but one outlier coarsens every step.</summary>
    MinMax,
    /// <summary>Clip |x| at a high percentile (<see cref="CalibrationOptions.Percentile"/>) of its histogram over all samples.</summary>
    Percentile,
    /// <summary>Clip |x| where the 8-bit histogram loses the least information (smallest KL divergence from the full-resolution one).</summary>
    Entropy,
}

/// <summary>Calibration settings of an int8 conversion.</summary>
public sealed record CalibrationOptions
{
    /// <summary>The method (default <see cref="CalibrationMethod.Percentile"/>).</summary>
    public CalibrationMethod Method { get; init; } = CalibrationMethod.Percentile;

    /// <summary>For <see cref="CalibrationMethod.Percentile"/>: the fraction of |x| values kept inside the range.</summary>
    public double Percentile { get; init; } = 0.99999;

    /// <summary>Histogram bins over [0, max |x|] for the percentile and entropy methods.</summary>
    public int Bins { get; init; } = 2048;

    /// <summary>
    /// Move each quantized convolution's bias by its channels' mean error on the samples (<see cref="BiasCorrection"/>).
    /// Off by default: on the shared models it raised the worst layers' SQNR by 1–2 dB but left the outputs no closer
    /// (UltraFace slim's boxes closer, SqueezeNet's and FastestDet's outputs a little further).
    /// </summary>
    public bool BiasCorrection { get; init; }
}
