using System.Runtime.Intrinsics;

namespace Mote.Kernels.Elementwise;

/// <summary>Erf: the error function (vector form: <see cref="ErfF32"/>, ≤ 4 ulp).</summary>
public readonly struct ErfFn : IUnaryOperatorF32, IUnaryOperatorF64
{
    /// <inheritdoc/>
    public float Invoke(float x) => ErfF32.Erf(x);

    /// <inheritdoc/>
    public double Invoke(double x) => ErfF64.Erf(x);

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => ErfF32.Erf(x);

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => ErfF32.Erf(x);

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => ErfF32.Erf(x);
}

/// <summary>
/// Gelu (ONNX approximate="none"): x/2 · (1 + erf(x/√2)). Where erf is near −1 (x &lt; −3) the sum
/// cancels, so the error is absolute (about 1e-7·|x|), as in any implementation through erf.
/// </summary>
public readonly struct GeluFn : IUnaryOperatorF32, IUnaryOperatorF64
{
    private const float InvSqrt2 = 0.707106781186547524f;

    /// <inheritdoc/>
    public float Invoke(float x) => (float)Invoke((double)x);

    /// <inheritdoc/>
    public double Invoke(double x) => 0.5 * x * ErfF64.Erfc(-x * 0.707106781186547524);

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => x * Vector128.Create(0.5f) * (Vector128<float>.One + ErfF32.Erf(x * InvSqrt2));

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => x * Vector256.Create(0.5f) * (Vector256<float>.One + ErfF32.Erf(x * InvSqrt2));

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => x * Vector512.Create(0.5f) * (Vector512<float>.One + ErfF32.Erf(x * InvSqrt2));
}

/// <summary>
/// Gelu (ONNX approximate="tanh"): x/2 · (1 + tanh(√(2/π)·(x + 0.044715x³))), computed as the equal
/// x / (1 + e^(−2u)) with u the tanh argument, which needs one exponential and does not cancel.
/// </summary>
public readonly struct GeluTanhFn : IUnaryOperatorF32, IUnaryOperatorF64
{
    // 2·√(2/π) and 2·√(2/π)·0.044715.
    private const float K1 = 1.5957691216057308f;
    private const float K3 = 0.071354816339446f;

    /// <inheritdoc/>
    public float Invoke(float x) => (float)Invoke((double)x);

    /// <inheritdoc/>
    public double Invoke(double x) => x / (1 + Math.Exp(-1.5957691216057308 * (x + 0.044715 * x * x * x)));

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) =>
        x / (Vector128<float>.One + ExpF32.Exp(-x * (Vector128.Create(K1) + x * x * K3)));

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) =>
        x / (Vector256<float>.One + ExpF32.Exp(-x * (Vector256.Create(K1) + x * x * K3)));

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) =>
        x / (Vector512<float>.One + ExpF32.Exp(-x * (Vector512.Create(K1) + x * x * K3)));
}
