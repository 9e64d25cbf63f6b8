using System.Runtime.Intrinsics;
namespace Mote.Kernels.Elementwise;

/// <summary>alpha·tanh(beta·x), through the vector <see cref="TanhF32"/>: the recurrent cells' ScaledTanh and the attention soft cap c·tanh(x/c).</summary>
/// <param name="alpha">Output scale.</param>
/// <param name="beta">Input scale.</param>
public readonly struct ScaledTanhFn(float alpha, float beta) : IUnaryOperatorF32, IUnaryOperatorF64
{
    private readonly float _alpha = alpha, _beta = beta;

    /// <inheritdoc/>
    public float Invoke(float x) => _alpha * MathF.Tanh(_beta * x);

    /// <inheritdoc/>
    public double Invoke(double x) => _alpha * Math.Tanh(_beta * x);

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => TanhF32.Tanh(x * _beta) * _alpha;

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => TanhF32.Tanh(x * _beta) * _alpha;

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => TanhF32.Tanh(x * _beta) * _alpha;
}
