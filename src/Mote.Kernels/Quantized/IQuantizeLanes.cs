namespace Mote.Kernels.Quantized;

/// <summary>
/// One block of per-tensor (de)quantization in one vector width: <see cref="Count"/> elements, as many
/// bytes as one hardware vector holds (so four float vectors per block). Each implementing struct lives in
/// its own file (<c>QuantizeLanes.Vector128.cs</c>, <c>.Vector256.cs</c>, <c>.Vector512.cs</c>) and
/// computes exactly what <see cref="QuantizeReference"/> does for each element.
/// </summary>
internal unsafe interface IQuantizeLanes<TSelf> where TSelf : unmanaged, IQuantizeLanes<TSelf>
{
    /// <summary>Elements per block.</summary>
    static abstract int Count { get; }

    /// <summary>
    /// Writes <see cref="Count"/> bytes <c>clamp(roundHalfEven(x / scale) + zeroPoint, lo, hi)</c> (NaN → 0)
    /// for the floats at <paramref name="x"/>; [lo, hi] is the 8-bit range, stored two's complement.
    /// </summary>
    static abstract void Quantize(float* x, float scale, float zeroPoint, float lo, float hi, byte* y);

    /// <summary>Writes <see cref="Count"/> floats <c>(q − zeroPoint) · scale</c> for the bytes at <paramref name="x"/>.</summary>
    static abstract void Dequantize(byte* x, bool signed, int zeroPoint, float scale, float* y);
}
