namespace Mote.Kernels;

/// <summary>
/// An activation with its parameters: <see cref="Kind"/> plus two floats whose meaning depends on the
/// kind (see <see cref="ActivationKind"/>), optionally followed by an affine map <c>y·Scale + Offset</c>
/// (<see cref="WithAffine"/>: PaddleOCR's learnable affine blocks after each activation). <c>default</c> is
/// the identity. NaN inputs give NaN outputs for every kind (maximum and minimum follow IEEE 754-2019, as
/// <see cref="MathF.Max(float, float)"/> does).
/// </summary>
public readonly record struct Activation(ActivationKind Kind, float P0 = 0f, float P1 = 0f)
{
    /// <summary>Whether <see cref="Scale"/> and <see cref="Offset"/> apply after the activation.</summary>
    public bool HasAffine { get; init; }

    /// <summary>Multiplies the activation's result when <see cref="HasAffine"/>.</summary>
    public float Scale { get; init; }

    /// <summary>Added after <see cref="Scale"/> when <see cref="HasAffine"/> (a multiply, then an add: not fused).</summary>
    public float Offset { get; init; }

    /// <summary>This activation followed by <c>y·scale + offset</c>, composed with any affine map it already has.</summary>
    public Activation WithAffine(float scale, float offset) => HasAffine
        ? this with { Scale = Scale * scale, Offset = Offset * scale + offset }
        : this with { HasAffine = true, Scale = scale, Offset = offset };

    /// <summary>The identity.</summary>
    public static Activation None => default;

    /// <summary><c>max(x, 0)</c>.</summary>
    public static Activation Relu => new(ActivationKind.Relu);

    /// <summary><c>min(max(x, min), max)</c>.</summary>
    public static Activation Clip(float min, float max) => new(ActivationKind.Clip, min, max);

    /// <summary><c>x ≥ 0 ? x : alpha·x</c>.</summary>
    public static Activation LeakyRelu(float alpha) => new(ActivationKind.LeakyRelu, alpha);

    /// <summary>The logistic function.</summary>
    public static Activation Sigmoid => new(ActivationKind.Sigmoid);

    /// <summary><c>max(0, min(1, alpha·x + beta))</c>.</summary>
    public static Activation HardSigmoid(float alpha = 0.2f, float beta = 0.5f) => new(ActivationKind.HardSigmoid, alpha, beta);

    /// <summary><c>x · max(0, min(1, x/6 + 1/2))</c>.</summary>
    public static Activation HardSwish => new(ActivationKind.HardSwish);

    /// <summary>The hyperbolic tangent.</summary>
    public static Activation Tanh => new(ActivationKind.Tanh);

    /// <summary>Whether this is the identity (nothing to apply).</summary>
    public bool IsNone => Kind == ActivationKind.None && !HasAffine;

    /// <summary>The scalar reference: this activation of <paramref name="x"/>, written as the definition reads.</summary>
    // The affine map rounds twice (multiply, then add), as the Mul and Add it replaces did, and the same on every ISA.
    public float Apply(float x) => HasAffine ? ApplyKind(x) * Scale + Offset : ApplyKind(x);

    private float ApplyKind(float x) => Kind switch
    {
        ActivationKind.None => x,
        ActivationKind.Relu => MathF.Max(x, 0f),
        ActivationKind.Clip => MathF.Min(MathF.Max(x, P0), P1),
        ActivationKind.LeakyRelu => x >= 0f || float.IsNaN(x) ? x : P0 * x,
        ActivationKind.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        ActivationKind.HardSigmoid => MathF.Max(0f, MathF.Min(1f, P0 * x + P1)),
        ActivationKind.HardSwish => x * MathF.Max(0f, MathF.Min(1f, x / 6f + 0.5f)),
        ActivationKind.Tanh => MathF.Tanh(x),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown activation kind."),
    };
}
