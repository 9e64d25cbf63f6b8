using System.Runtime.Intrinsics;

namespace Mote.Kernels.Elementwise;

// Functions built on e^x. The vector forms use ExpF32 (≤ 2 ulp); the scalar forms are the float
// library functions, and the f64 forms double-precision formulas, which the tests use as references.

/// <summary>Exp: e^x.</summary>
public readonly struct ExpFn : IUnaryOperatorF32, IUnaryOperatorF64
{
    /// <inheritdoc/>
    public float Invoke(float x) => MathF.Exp(x);

    /// <inheritdoc/>
    public double Invoke(double x) => Math.Exp(x);

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => ExpF32.Exp(x);

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => ExpF32.Exp(x);

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => ExpF32.Exp(x);
}

/// <summary>Sigmoid: 1 / (1 + e^−x).</summary>
public readonly struct SigmoidFn : IUnaryOperatorF32, IUnaryOperatorF64
{
    /// <inheritdoc/>
    public float Invoke(float x) => 1 / (1 + MathF.Exp(-x));

    /// <inheritdoc/>
    public double Invoke(double x) => 1 / (1 + Math.Exp(-x));

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => Vector128<float>.One / (Vector128<float>.One + ExpF32.Exp(-x));

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + ExpF32.Exp(-x));

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + ExpF32.Exp(-x));
}

/// <summary>Swish: x · sigmoid(alpha·x) (alpha = 1 is SiLU).</summary>
/// <param name="alpha">Scale inside the sigmoid.</param>
public readonly struct SwishFn(float alpha) : IUnaryOperatorF32, IUnaryOperatorF64
{
    private readonly float _alpha = alpha;

    /// <inheritdoc/>
    public float Invoke(float x) => x / (1 + MathF.Exp(-_alpha * x));

    /// <inheritdoc/>
    public double Invoke(double x) => x / (1 + Math.Exp(-_alpha * x));

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => x / (Vector128<float>.One + ExpF32.Exp(x * -_alpha));

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => x / (Vector256<float>.One + ExpF32.Exp(x * -_alpha));

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => x / (Vector512<float>.One + ExpF32.Exp(x * -_alpha));
}

/// <summary>Elu: x &lt; 0 ? alpha·(e^x − 1) : x.</summary>
/// <param name="alpha">Scale of the negative part.</param>
public readonly struct EluFn(float alpha) : IUnaryOperatorF32, IUnaryOperatorF64
{
    private readonly float _alpha = alpha;

    /// <inheritdoc/>
    public float Invoke(float x) => x < 0 ? _alpha * (MathF.Exp(x) - 1) : x;

    /// <inheritdoc/>
    public double Invoke(double x) => x < 0 ? _alpha * (Math.Exp(x) - 1) : x;

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) =>
        Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), (ExpF32.Exp(x) - Vector128<float>.One) * _alpha, x);

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), (ExpF32.Exp(x) - Vector256<float>.One) * _alpha, x);

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), (ExpF32.Exp(x) - Vector512<float>.One) * _alpha, x);
}

/// <summary>Selu: gamma · (x &gt; 0 ? x : alpha·e^x − alpha).</summary>
/// <param name="alpha">Scale of the negative part.</param>
/// <param name="gamma">Overall scale.</param>
public readonly struct SeluFn(float alpha, float gamma) : IUnaryOperatorF32, IUnaryOperatorF64
{
    private readonly float _alpha = alpha, _gamma = gamma;

    /// <inheritdoc/>
    public float Invoke(float x) => x > 0 ? _gamma * x : _gamma * (_alpha * MathF.Exp(x) - _alpha);

    /// <inheritdoc/>
    public double Invoke(double x) => x > 0 ? _gamma * x : _gamma * ((double)_alpha * Math.Exp(x) - _alpha);

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero),
        x * _gamma, (ExpF32.Exp(x) * _alpha - Vector128.Create(_alpha)) * _gamma);

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero),
        x * _gamma, (ExpF32.Exp(x) * _alpha - Vector256.Create(_alpha)) * _gamma);

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero),
        x * _gamma, (ExpF32.Exp(x) * _alpha - Vector512.Create(_alpha)) * _gamma);
}

/// <summary>Celu: max(0, x) + min(0, alpha·(e^(x/alpha) − 1)).</summary>
/// <param name="alpha">Scale.</param>
public readonly struct CeluFn(float alpha) : IUnaryOperatorF32, IUnaryOperatorF64
{
    private readonly float _alpha = alpha;

    /// <inheritdoc/>
    public float Invoke(float x) => MathF.Max(0, x) + MathF.Min(0, _alpha * (MathF.Exp(x / _alpha) - 1));

    /// <inheritdoc/>
    public double Invoke(double x) => Math.Max(0, x) + Math.Min(0, _alpha * (Math.Exp(x / _alpha) - 1));

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.MaxNative(Vector128<float>.Zero, x)
        + Vector128.MinNative(Vector128<float>.Zero, (ExpF32.Exp(x / Vector128.Create(_alpha)) - Vector128<float>.One) * _alpha);

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.MaxNative(Vector256<float>.Zero, x)
        + Vector256.MinNative(Vector256<float>.Zero, (ExpF32.Exp(x / Vector256.Create(_alpha)) - Vector256<float>.One) * _alpha);

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.MaxNative(Vector512<float>.Zero, x)
        + Vector512.MinNative(Vector512<float>.Zero, (ExpF32.Exp(x / Vector512.Create(_alpha)) - Vector512<float>.One) * _alpha);
}

/// <summary>Softplus: log(1 + e^x), computed as max(x, 0) + log1p(e^−|x|) so it neither overflows nor loses tiny results.</summary>
public readonly struct SoftplusFn : IUnaryOperatorF32, IUnaryOperatorF64
{
    /// <inheritdoc/>
    public float Invoke(float x) => (float)Invoke((double)x);

    /// <inheritdoc/>
    public double Invoke(double x) => Math.Max(x, 0) + ErfF64.Log1P(Math.Exp(-Math.Abs(x)));

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x)
    {
        var u = ExpF32.Exp(-Vector128.Abs(x));
        var w = Vector128<float>.One + u;
        // log1p(u) = log(w)·u/(w−1) unless w rounded to 1, where it is u.
        var l = Vector128.ConditionalSelect(Vector128.Equals(w, Vector128<float>.One), u, Vector128.Log(w) * u / (w - Vector128<float>.One));
        return Vector128.MaxNative(Vector128<float>.Zero, x) + l;
    }

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x)
    {
        var u = ExpF32.Exp(-Vector256.Abs(x));
        var w = Vector256<float>.One + u;
        var l = Vector256.ConditionalSelect(Vector256.Equals(w, Vector256<float>.One), u, Vector256.Log(w) * u / (w - Vector256<float>.One));
        return Vector256.MaxNative(Vector256<float>.Zero, x) + l;
    }

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x)
    {
        var u = ExpF32.Exp(-Vector512.Abs(x));
        var w = Vector512<float>.One + u;
        var l = Vector512.ConditionalSelect(Vector512.Equals(w, Vector512<float>.One), u, Vector512.Log(w) * u / (w - Vector512<float>.One));
        return Vector512.MaxNative(Vector512<float>.Zero, x) + l;
    }
}

/// <summary>
/// Mish: x · tanh(softplus(x)), computed as x·n/(n + 2) with n = e^x·(e^x + 2), which equals it
/// exactly and needs one exponential; x is capped at 20 inside, where n/(n+2) already rounds to 1.
/// </summary>
public readonly struct MishFn : IUnaryOperatorF32, IUnaryOperatorF64
{
    /// <inheritdoc/>
    public float Invoke(float x) => (float)Invoke((double)x);

    /// <inheritdoc/>
    public double Invoke(double x) => x * Math.Tanh(Math.Max(x, 0) + ErfF64.Log1P(Math.Exp(-Math.Abs(x))));

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x)
    {
        var e = ExpF32.Exp(Vector128.MinNative(Vector128.Create(20f), x));
        var n = e * (e + Vector128.Create(2f));
        return x * (n / (n + Vector128.Create(2f)));
    }

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x)
    {
        var e = ExpF32.Exp(Vector256.MinNative(Vector256.Create(20f), x));
        var n = e * (e + Vector256.Create(2f));
        return x * (n / (n + Vector256.Create(2f)));
    }

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x)
    {
        var e = ExpF32.Exp(Vector512.MinNative(Vector512.Create(20f), x));
        var n = e * (e + Vector512.Create(2f));
        return x * (n / (n + Vector512.Create(2f)));
    }
}
