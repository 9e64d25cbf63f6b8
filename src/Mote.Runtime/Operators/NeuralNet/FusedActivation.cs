using Mote.Format;
using Mote.Kernels;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>
/// How a fused activation is stored on a Conv, ConvTranspose, Gemm or MatMul node: the Int attribute
/// <see cref="KindAttribute"/> holds a <see cref="ActivationKind"/> id (a file-format contract: ids are never
/// renumbered) and the Floats attribute <see cref="ParamsAttribute"/> its parameters (Clip [min, max],
/// LeakyRelu [alpha], HardSigmoid [alpha, beta]); the Floats attribute <see cref="AffineAttribute"/>, when
/// present, holds [scale, offset] applied after the activation (<c>y·scale + offset</c>). The converter writes
/// them, operators read them.
/// </summary>
internal static class FusedActivation
{
    /// <summary>Int attribute holding an <see cref="ActivationKind"/>.</summary>
    public const string KindAttribute = "mote.activation";

    /// <summary>Floats attribute holding the activation's parameters.</summary>
    public const string ParamsAttribute = "mote.activation_params";

    /// <summary>Floats attribute [scale, offset]: an affine map after the activation.</summary>
    public const string AffineAttribute = "mote.activation_affine";

    /// <summary>The activation stored on <paramref name="node"/> (the identity when there is none).</summary>
    public static Activation Read(NodeDef node)
    {
        long id = node.GetInt(KindAttribute, 0);
        if (id < 0 || id > (long)ActivationKind.Tanh)
            throw new MoteNotSupportedException($"attribute '{KindAttribute}' = {id} is not a known activation");
        var kind = (ActivationKind)id;
        var p = node.GetFloats(ParamsAttribute) ?? [];
        float At(int i, float fallback) => i < p.Length ? p[i] : fallback;
        var activation = kind switch
        {
            ActivationKind.Clip => Activation.Clip(At(0, float.NegativeInfinity), At(1, float.PositiveInfinity)),
            ActivationKind.LeakyRelu => Activation.LeakyRelu(At(0, 0.01f)),
            ActivationKind.HardSigmoid => Activation.HardSigmoid(At(0, 0.2f), At(1, 0.5f)),
            _ => new Activation(kind),
        };
        if (node.GetFloats(AffineAttribute) is { } affine)
        {
            if (affine.Length != 2)
                throw new MoteNotSupportedException($"attribute '{AffineAttribute}' must hold [scale, offset], not {affine.Length} values");
            activation = activation.WithAffine(affine[0], affine[1]);
        }
        return activation;
    }
}
