using System.Runtime.Intrinsics;

namespace Mote.Kernels.Elementwise;

/// <summary>Tanh: the hyperbolic tangent (vector form: <see cref="TanhF32"/>).</summary>
public readonly struct TanhFn : IUnaryOperatorF32, IUnaryOperatorF64
{
    /// <inheritdoc/>
    public float Invoke(float x) => TanhF32.Tanh(x);

    /// <inheritdoc/>
    public double Invoke(double x) => Math.Tanh(x);

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => TanhF32.Tanh(x);

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => TanhF32.Tanh(x);

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => TanhF32.Tanh(x);
}
