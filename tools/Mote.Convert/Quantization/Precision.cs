namespace Mote.Convert.Quantization;

/// <summary>The number format <c>mote convert --precision</c> stores a model's weights (and, for int8, runs it) in.</summary>
public enum Precision
{
    /// <summary>Weights as the source model has them (float32 stays float32).</summary>
    Fp32,
    /// <summary>Large float32 weights stored as float16 (half the file), widened to float32 when the model is loaded.</summary>
    Fp16,
    /// <summary>
    /// Static int8: convolutions run on uint8 activations (per tensor, ranges calibrated on real samples) and int8 weights
    /// (per output channel); see <see cref="StaticQuantizer"/>.
    /// </summary>
    Int8,
    /// <summary>int8 weights for MatMul by constant matrices, activations quantized at run time (<see cref="DynamicQuantizer"/>).</summary>
    Int8Dynamic,
}
