using System.Numerics;
using System.Runtime.InteropServices;
using Mote.Kernels.Elementwise;

namespace Mote.Kernels.Recurrent;

/// <summary>The activation functions the ONNX recurrent operators (LSTM, GRU, RNN) accept by name.</summary>
public enum RecurrentActivationKind : byte
{
    /// <summary><c>max(0, x)</c>.</summary>
    Relu,
    /// <summary><c>tanh(x)</c>.</summary>
    Tanh,
    /// <summary><c>1 / (1 + e^−x)</c>.</summary>
    Sigmoid,
    /// <summary><c>alpha·x + beta</c>.</summary>
    Affine,
    /// <summary><c>x ≥ 0 ? x : alpha·x</c>.</summary>
    LeakyRelu,
    /// <summary><c>x &gt; alpha ? x : 0</c>.</summary>
    ThresholdedRelu,
    /// <summary><c>alpha·tanh(beta·x)</c>.</summary>
    ScaledTanh,
    /// <summary><c>min(max(alpha·x + beta, 0), 1)</c>.</summary>
    HardSigmoid,
    /// <summary><c>x ≥ 0 ? x : alpha·(e^x − 1)</c>.</summary>
    Elu,
    /// <summary><c>x / (1 + |x|)</c>.</summary>
    Softsign,
    /// <summary><c>log(1 + e^x)</c>.</summary>
    Softplus,
}

/// <summary>
/// One activation of a recurrent cell with its parameters. The f32 span form runs the vectorized
/// elementwise kernels (<see cref="UnaryF32"/>) at the caller's width; the f64 form and
/// <see cref="Apply(double)"/> are scalar and serve as the reference.
/// </summary>
/// <param name="Kind">Which function.</param>
/// <param name="Alpha">First parameter (ignored by functions without one).</param>
/// <param name="Beta">Second parameter (ignored by functions without one).</param>
public readonly record struct RecurrentActivation(RecurrentActivationKind Kind, float Alpha = 0f, float Beta = 0f)
{
    /// <summary>The logistic function.</summary>
    public static RecurrentActivation Sigmoid => new(RecurrentActivationKind.Sigmoid);

    /// <summary>The hyperbolic tangent.</summary>
    public static RecurrentActivation Tanh => new(RecurrentActivationKind.Tanh);

    /// <summary>
    /// The activation named <paramref name="name"/> (case-insensitive, as ONNX Runtime reads them) taking
    /// its parameters from the alpha and beta lists in order: a function consumes a value only for a
    /// parameter it has, and falls back to its ONNX default when the list is exhausted. Null for an unknown name.
    /// </summary>
    public static RecurrentActivation? FromName(string name, ref ReadOnlySpan<float> alphas, ref ReadOnlySpan<float> betas)
    {
        RecurrentActivationKind kind;
        switch (name.ToLowerInvariant())
        {
            case "relu": kind = RecurrentActivationKind.Relu; break;
            case "tanh": kind = RecurrentActivationKind.Tanh; break;
            case "sigmoid": kind = RecurrentActivationKind.Sigmoid; break;
            case "affine": kind = RecurrentActivationKind.Affine; break;
            case "leakyrelu": kind = RecurrentActivationKind.LeakyRelu; break;
            case "thresholdedrelu": kind = RecurrentActivationKind.ThresholdedRelu; break;
            case "scaledtanh": kind = RecurrentActivationKind.ScaledTanh; break;
            case "hardsigmoid": kind = RecurrentActivationKind.HardSigmoid; break;
            case "elu": kind = RecurrentActivationKind.Elu; break;
            case "softsign": kind = RecurrentActivationKind.Softsign; break;
            case "softplus": kind = RecurrentActivationKind.Softplus; break;
            default: return null;
        }
        // Defaults are those of the standalone ONNX operators; Affine and ScaledTanh (whose operators were
        // removed) default to the identity scale.
        var (alpha, beta) = kind switch
        {
            RecurrentActivationKind.Affine => (Take(ref alphas, 1f), Take(ref betas, 0f)),
            RecurrentActivationKind.LeakyRelu => (Take(ref alphas, 0.01f), 0f),
            RecurrentActivationKind.ThresholdedRelu => (Take(ref alphas, 1f), 0f),
            RecurrentActivationKind.ScaledTanh => (Take(ref alphas, 1f), Take(ref betas, 1f)),
            RecurrentActivationKind.HardSigmoid => (Take(ref alphas, 0.2f), Take(ref betas, 0.5f)),
            RecurrentActivationKind.Elu => (Take(ref alphas, 1f), 0f),
            _ => (0f, 0f),
        };
        return new RecurrentActivation(kind, alpha, beta);
    }

    /// <summary>The scalar reference in single precision.</summary>
    public float Apply(float x) => (float)Apply((double)x);

    /// <summary>The scalar reference in double precision.</summary>
    public double Apply(double x) => Kind switch
    {
        RecurrentActivationKind.Relu => x < 0 ? 0 : x,
        RecurrentActivationKind.Tanh => Math.Tanh(x),
        RecurrentActivationKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
        RecurrentActivationKind.Affine => Alpha * x + Beta,
        RecurrentActivationKind.LeakyRelu => x < 0 ? Alpha * x : x,
        RecurrentActivationKind.ThresholdedRelu => x > Alpha ? x : 0,
        RecurrentActivationKind.ScaledTanh => Alpha * Math.Tanh(Beta * x),
        RecurrentActivationKind.HardSigmoid => Math.Max(0, Math.Min(1, Alpha * x + Beta)),
        RecurrentActivationKind.Elu => x < 0 ? Alpha * (Math.Exp(x) - 1) : x,
        RecurrentActivationKind.Softsign => x / (1 + Math.Abs(x)),
        RecurrentActivationKind.Softplus => new SoftplusFn().Invoke(x),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown recurrent activation"),
    };

    /// <summary><c>y[i] = f(x[i])</c>; <paramref name="x"/> and <paramref name="y"/> are disjoint or the same memory.</summary>
    /// <typeparam name="T">float (vectorized up to <paramref name="width"/>) or double (scalar).</typeparam>
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y, SimdWidth width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            ApplyF32(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y), width);
        else if (typeof(T) == typeof(double))
        {
            var xs = MemoryMarshal.Cast<T, double>(x);
            var ys = MemoryMarshal.Cast<T, double>(y);
            for (int i = 0; i < xs.Length; i++)
                ys[i] = Apply(xs[i]);
        }
        else
            throw new NotSupportedException($"recurrent activations run on float and double, not {typeof(T).Name}");
    }

    private void ApplyF32(ReadOnlySpan<float> x, Span<float> y, SimdWidth w)
    {
        switch (Kind)
        {
            case RecurrentActivationKind.Relu: UnaryF32.Apply(new ReluFn(), x, y, w); break;
            case RecurrentActivationKind.Tanh: UnaryF32.Apply(new TanhFn(), x, y, w); break;
            case RecurrentActivationKind.Sigmoid: UnaryF32.Apply(new SigmoidFn(), x, y, w); break;
            case RecurrentActivationKind.Affine: UnaryF32.Apply(new AffineFn(Alpha, Beta), x, y, w); break;
            case RecurrentActivationKind.LeakyRelu: UnaryF32.Apply(new LeakyReluFn(Alpha), x, y, w); break;
            case RecurrentActivationKind.ThresholdedRelu: UnaryF32.Apply(new ThresholdedReluFn(Alpha), x, y, w); break;
            case RecurrentActivationKind.ScaledTanh: UnaryF32.Apply(new ScaledTanhFn(Alpha, Beta), x, y, w); break;
            case RecurrentActivationKind.HardSigmoid: UnaryF32.Apply(new HardSigmoidFn(Alpha, Beta), x, y, w); break;
            case RecurrentActivationKind.Elu: UnaryF32.Apply(new EluFn(Alpha), x, y, w); break;
            case RecurrentActivationKind.Softsign: UnaryF32.Apply(new SoftsignFn(), x, y, w); break;
            case RecurrentActivationKind.Softplus: UnaryF32.Apply(new SoftplusFn(), x, y, w); break;
            default: throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown recurrent activation");
        }
    }

    private static float Take(ref ReadOnlySpan<float> values, float fallback)
    {
        if (values.IsEmpty)
            return fallback;
        float v = values[0];
        values = values[1..];
        return v;
    }
}
