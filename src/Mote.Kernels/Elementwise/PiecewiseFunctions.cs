using System.Runtime.Intrinsics;

namespace Mote.Kernels.Elementwise;

// Piecewise-linear and other purely arithmetic elementwise functions. NaN handling follows the
// formula: comparisons with NaN are false, and every Min/MaxNative keeps the variable as its second
// operand so that x64 MINPS/MAXPS (which return the second operand for NaN) propagate it.

/// <summary>Relu: max(0, x); NaN stays NaN.</summary>
public readonly struct ReluFn : IUnaryOperatorF32, IUnaryOperatorF64
{
    /// <inheritdoc/>
    public float Invoke(float x) => x < 0 ? 0 : x;

    /// <inheritdoc/>
    public double Invoke(double x) => x < 0 ? 0 : x;

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.AndNot(x, Vector128.LessThan(x, Vector128<float>.Zero));

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.AndNot(x, Vector256.LessThan(x, Vector256<float>.Zero));

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.AndNot(x, Vector512.LessThan(x, Vector512<float>.Zero));
}

/// <summary>LeakyRelu: x &lt; 0 ? alpha·x : x.</summary>
/// <param name="alpha">Slope for negative inputs.</param>
public readonly struct LeakyReluFn(float alpha) : IUnaryOperatorF32, IUnaryOperatorF64
{
    private readonly float _alpha = alpha;

    /// <inheritdoc/>
    public float Invoke(float x) => x < 0 ? x * _alpha : x;

    /// <inheritdoc/>
    public double Invoke(double x) => x < 0 ? x * _alpha : x;

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), x * _alpha, x);

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), x * _alpha, x);

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), x * _alpha, x);
}

/// <summary>Clip: min(max(x, lo), hi); when lo &gt; hi every value becomes hi (ONNX); NaN stays NaN.</summary>
/// <param name="lo">Lower bound.</param>
/// <param name="hi">Upper bound.</param>
public readonly struct ClipFn(float lo, float hi) : IUnaryOperatorF32
{
    private readonly float _lo = lo, _hi = hi;

    /// <inheritdoc/>
    public float Invoke(float x) => MathF.Min(_hi, MathF.Max(_lo, x));

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.MinNative(Vector128.Create(_hi), Vector128.MaxNative(Vector128.Create(_lo), x));

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.MinNative(Vector256.Create(_hi), Vector256.MaxNative(Vector256.Create(_lo), x));

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.MinNative(Vector512.Create(_hi), Vector512.MaxNative(Vector512.Create(_lo), x));
}

/// <summary>HardSigmoid: max(0, min(1, alpha·x + beta)).</summary>
/// <param name="alpha">Slope.</param>
/// <param name="beta">Offset.</param>
public readonly struct HardSigmoidFn(float alpha, float beta) : IUnaryOperatorF32, IUnaryOperatorF64
{
    private readonly float _alpha = alpha, _beta = beta;

    /// <inheritdoc/>
    public float Invoke(float x) => MathF.Max(0, MathF.Min(1, x * _alpha + _beta));

    /// <inheritdoc/>
    public double Invoke(double x) => Math.Max(0, Math.Min(1, x * _alpha + _beta));

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) =>
        Vector128.MaxNative(Vector128<float>.Zero, Vector128.MinNative(Vector128<float>.One, x * _alpha + Vector128.Create(_beta)));

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.MaxNative(Vector256<float>.Zero, Vector256.MinNative(Vector256<float>.One, x * _alpha + Vector256.Create(_beta)));

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) =>
        Vector512.MaxNative(Vector512<float>.Zero, Vector512.MinNative(Vector512<float>.One, x * _alpha + Vector512.Create(_beta)));
}

/// <summary>HardSwish: x · max(0, min(1, x/6 + 1/2)).</summary>
public readonly struct HardSwishFn : IUnaryOperatorF32, IUnaryOperatorF64
{
    private const float Sixth = 1f / 6;

    /// <inheritdoc/>
    public float Invoke(float x) => x * MathF.Max(0, MathF.Min(1, x * Sixth + 0.5f));

    /// <inheritdoc/>
    public double Invoke(double x) => x * Math.Max(0, Math.Min(1, x / 6 + 0.5));

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) =>
        x * Vector128.MaxNative(Vector128<float>.Zero, Vector128.MinNative(Vector128<float>.One, x * Sixth + Vector128.Create(0.5f)));

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) =>
        x * Vector256.MaxNative(Vector256<float>.Zero, Vector256.MinNative(Vector256<float>.One, x * Sixth + Vector256.Create(0.5f)));

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) =>
        x * Vector512.MaxNative(Vector512<float>.Zero, Vector512.MinNative(Vector512<float>.One, x * Sixth + Vector512.Create(0.5f)));
}

/// <summary>ThresholdedRelu: x &gt; alpha ? x : 0.</summary>
/// <param name="alpha">Threshold.</param>
public readonly struct ThresholdedReluFn(float alpha) : IUnaryOperatorF32, IUnaryOperatorF64
{
    private readonly float _alpha = alpha;

    /// <inheritdoc/>
    public float Invoke(float x) => x > _alpha ? x : 0;

    /// <inheritdoc/>
    public double Invoke(double x) => x > _alpha ? x : 0;

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => x & Vector128.GreaterThan(x, Vector128.Create(_alpha));

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => x & Vector256.GreaterThan(x, Vector256.Create(_alpha));

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => x & Vector512.GreaterThan(x, Vector512.Create(_alpha));
}

/// <summary>Shrink: x &lt; −lambd ? x + bias : x &gt; lambd ? x − bias : 0.</summary>
/// <param name="lambd">Half-width of the zeroed band.</param>
/// <param name="bias">Amount moved toward zero outside the band.</param>
public readonly struct ShrinkFn(float lambd, float bias) : IUnaryOperatorF32, IUnaryOperatorF64
{
    private readonly float _lambd = lambd, _bias = bias;

    /// <inheritdoc/>
    public float Invoke(float x) => x < -_lambd ? x + _bias : x > _lambd ? x - _bias : 0;

    /// <inheritdoc/>
    public double Invoke(double x) => x < -_lambd ? x + _bias : x > _lambd ? x - _bias : 0;

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) =>
        Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(-_lambd)), x + Vector128.Create(_bias),
            (x - Vector128.Create(_bias)) & Vector128.GreaterThan(x, Vector128.Create(_lambd)));

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-_lambd)), x + Vector256.Create(_bias),
            (x - Vector256.Create(_bias)) & Vector256.GreaterThan(x, Vector256.Create(_lambd)));

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(-_lambd)), x + Vector512.Create(_bias),
            (x - Vector512.Create(_bias)) & Vector512.GreaterThan(x, Vector512.Create(_lambd)));
}

/// <summary>Softsign: x / (1 + |x|).</summary>
public readonly struct SoftsignFn : IUnaryOperatorF32, IUnaryOperatorF64
{
    /// <inheritdoc/>
    public float Invoke(float x) => x / (1 + MathF.Abs(x));

    /// <inheritdoc/>
    public double Invoke(double x) => x / (1 + Math.Abs(x));

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => x / (Vector128<float>.One + Vector128.Abs(x));

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => x / (Vector256<float>.One + Vector256.Abs(x));

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => x / (Vector512<float>.One + Vector512.Abs(x));
}

/// <summary>Affine map a·x + b (per-channel scale and shift of the normalizations). Not fused, so every tier rounds alike.</summary>
/// <param name="a">Scale.</param>
/// <param name="b">Shift.</param>
public readonly struct AffineFn(float a, float b) : IUnaryOperatorF32
{
    private readonly float _a = a, _b = b;

    /// <inheritdoc/>
    public float Invoke(float x) => x * _a + _b;

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => x * _a + Vector128.Create(_b);

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => x * _a + Vector256.Create(_b);

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => x * _a + Vector512.Create(_b);
}

/// <summary>Scaling a·x.</summary>
/// <param name="a">Factor.</param>
public readonly struct ScaleFn(float a) : IUnaryOperatorF32
{
    private readonly float _a = a;

    /// <inheritdoc/>
    public float Invoke(float x) => x * _a;

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => x * _a;

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => x * _a;

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => x * _a;
}

/// <summary>Two subtractions (x − a) − b, in that order (log-softmax: x − max − log Σ, exact near the maximum).</summary>
/// <param name="a">First subtrahend.</param>
/// <param name="b">Second subtrahend.</param>
public readonly struct OffsetFn(float a, float b) : IUnaryOperatorF32
{
    private readonly float _a = a, _b = b;

    /// <inheritdoc/>
    public float Invoke(float x) => x - _a - _b;

    /// <inheritdoc/>
    public Vector128<float> Invoke(Vector128<float> x) => x - Vector128.Create(_a) - Vector128.Create(_b);

    /// <inheritdoc/>
    public Vector256<float> Invoke(Vector256<float> x) => x - Vector256.Create(_a) - Vector256.Create(_b);

    /// <inheritdoc/>
    public Vector512<float> Invoke(Vector512<float> x) => x - Vector512.Create(_a) - Vector512.Create(_b);
}
