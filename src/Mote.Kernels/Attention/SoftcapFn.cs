using System.Runtime.Intrinsics;
using Mote.Kernels.Elementwise;

namespace Mote.Kernels.Attention;

/// <summary>The attention soft cap c·tanh(x/c) (Gemma-style logit capping), with <see cref="TanhF32"/>'s vector tanh.</summary>
/// <param name="cap">c &gt; 0.</param>
public readonly struct SoftcapFn(float cap) : IUnaryOperatorF32
{
    private readonly float _cap = cap, _inverse = 1 / cap;

    /// <inheritdoc/>
    public float Invoke(float x) => _cap * MathF.Tanh(x * _inverse);

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => TanhF32.Tanh(x * _inverse) * _cap;

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => TanhF32.Tanh(x * _inverse) * _cap;

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => TanhF32.Tanh(x * _inverse) * _cap;
}
