namespace Mote.Kernels;

/// <summary>
/// Elementwise activation fused into kernel epilogues or applied on its own. The numeric ids are
/// stable and never reused: the converter writes them into <c>.mote</c> files.
/// </summary>
public enum ActivationKind : byte
{
    /// <summary>Identity: <c>y = x</c>.</summary>
    None = 0,
    /// <summary><c>y = max(x, 0)</c>.</summary>
    Relu = 1,
    /// <summary><c>y = min(max(x, P0), P1)</c> (ONNX Clip with constant bounds; Relu6 is Clip(0, 6)).</summary>
    Clip = 2,
    /// <summary><c>y = x ≥ 0 ? x : P0·x</c>.</summary>
    LeakyRelu = 3,
    /// <summary><c>y = 1 / (1 + e^−x)</c>.</summary>
    Sigmoid = 4,
    /// <summary><c>y = max(0, min(1, P0·x + P1))</c> (ONNX defaults P0 = 0.2, P1 = 0.5).</summary>
    HardSigmoid = 5,
    /// <summary><c>y = x · max(0, min(1, x/6 + 1/2))</c>.</summary>
    HardSwish = 6,
    /// <summary><c>y = tanh(x)</c>.</summary>
    Tanh = 7,
}
