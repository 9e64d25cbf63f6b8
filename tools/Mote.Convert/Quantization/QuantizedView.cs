namespace Mote.Convert.Quantization;

/// <summary>A float activation's uint8 stand-in: <c>real = Scale · (q − ZeroPoint)</c>, held in tensor <see cref="Name"/>.</summary>
public sealed record QuantizedView(string Name, float Scale, byte ZeroPoint, string ScaleTensor, string ZeroPointTensor);
