namespace Mote.Bench.Gemm;

/// <summary>The three ways the runtime calls SGEMM.</summary>
public enum GemmEntry
{
    /// <summary>Both operands read on every call (MatMul of two activations): A and B packed on the fly as needed.</summary>
    Plain,
    /// <summary>B packed once at load (Gemm/MatMul with constant weights, fully connected).</summary>
    PackedB,
    /// <summary>A packed once at load (convolution weights; B is the im2col matrix or the input itself).</summary>
    PackedA,
}
