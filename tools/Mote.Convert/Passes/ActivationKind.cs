namespace Mote.Convert.Passes;

/// <summary>
/// Activation fused into a Conv, ConvTranspose or Gemm node, stored as the node's <c>mote.activation</c>
/// Int attribute with parameters in <c>mote.activation_params</c> (Floats). The ids are a file-format
/// contract: never renumber or reuse one.
/// </summary>
public enum ActivationKind
{
    /// <summary>No activation.</summary>
    None = 0,
    /// <summary><c>max(x, 0)</c>. No parameters.</summary>
    Relu = 1,
    /// <summary><c>min(max(x, min), max)</c>. Parameters [min, max] (±inf for an absent bound).</summary>
    Clip = 2,
    /// <summary><c>x &lt; 0 ? alpha·x : x</c>. Parameters [alpha] (ONNX default 0.01).</summary>
    LeakyRelu = 3,
    /// <summary><c>1 / (1 + e^-x)</c>. No parameters.</summary>
    Sigmoid = 4,
    /// <summary><c>max(0, min(1, alpha·x + beta))</c>. Parameters [alpha, beta] (ONNX defaults 0.2, 0.5).</summary>
    HardSigmoid = 5,
    /// <summary><c>x · max(0, min(1, x/6 + 1/2))</c>. No parameters.</summary>
    HardSwish = 6,
    /// <summary><c>tanh(x)</c>. No parameters.</summary>
    Tanh = 7,
}

/// <summary>Attribute names of fused activations.</summary>
public static class ActivationAttributes
{
    /// <summary>Int attribute holding an <see cref="ActivationKind"/>.</summary>
    public const string Kind = "mote.activation";

    /// <summary>Floats attribute holding the activation's parameters.</summary>
    public const string Params = "mote.activation_params";
}
