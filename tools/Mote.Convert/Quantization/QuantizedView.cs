namespace Mote.Convert.Quantization;

/// <summary>
/// A float activation's uint8 stand-in: <c>real = Scale · (q − ZeroPoint)</c>, held in tensor <see cref="Name"/>.
/// <see cref="ScaleTensor"/> is the float32 scale QLinearConv takes; <see cref="QdqScaleTensor"/> the scale of the float
/// tensor's own type that its QuantizeLinear and DequantizeLinear take (float16 in a float16 graph, as ONNX requires).
/// </summary>
public sealed record QuantizedView(string Name, float Scale, byte ZeroPoint, string ScaleTensor, string ZeroPointTensor, string QdqScaleTensor);
