namespace Mote.Convert.Accuracy;

/// <summary>
/// How one intermediate tensor of a converted model compares with the float model's over the samples.
/// </summary>
/// <param name="Tensor">The tensor (a node's output, named as in both models).</param>
/// <param name="Producer">The operator that writes it.</param>
/// <param name="SqnrDb">Signal-to-quantization-noise ratio, <c>10·log10(Σ ref² / Σ (ref − q)²)</c> over all samples; +∞ when identical.</param>
/// <param name="MaxAbs">Largest absolute difference.</param>
public sealed record LayerAccuracy(string Tensor, string Producer, double SqnrDb, double MaxAbs);
