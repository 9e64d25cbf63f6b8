namespace Mote.Kernels.Gemm;

/// <summary>Where a GEMM bias vector applies. Stable ids (stored by the converter).</summary>
public enum GemmBiasKind : byte
{
    /// <summary>No bias.</summary>
    None = 0,
    /// <summary><c>bias[i]</c> is added to every element of row i (length ≥ M; convolution: per output channel).</summary>
    PerRow = 1,
    /// <summary><c>bias[j]</c> is added to every element of column j (length ≥ N; Gemm's C vector).</summary>
    PerColumn = 2,
}

/// <summary>
/// What a GEMM does to each output after the product: <c>C = act(alpha·op(A)·op(B) + beta·C + bias + R)</c>, R
/// an optional residual laid out like C (a skip connection added in the store: ResNet-style blocks). Applied
/// while the microkernel stores its tile, not as another pass over C. <c>default</c> = no bias, no residual,
/// no activation.
/// </summary>
public readonly ref struct GemmEpilogue
{
    /// <summary>No bias, identity activation.</summary>
    public GemmEpilogue(Activation activation) => Activation = activation;

    /// <summary>A bias of <paramref name="kind"/> then <paramref name="activation"/>.</summary>
    public GemmEpilogue(GemmBiasKind kind, ReadOnlySpan<float> bias, Activation activation = default)
    {
        BiasKind = kind;
        Bias = bias;
        Activation = activation;
    }

    /// <summary>
    /// This epilogue with a residual: element (i, j) of <paramref name="residual"/> is at <c>i·ldc + j</c> (C's own
    /// row stride) and is added before the activation. It must not overlap C.
    /// </summary>
    public GemmEpilogue WithResidual(ReadOnlySpan<float> residual) => new(BiasKind, Bias, Activation, residual);

    private GemmEpilogue(GemmBiasKind kind, ReadOnlySpan<float> bias, Activation activation, ReadOnlySpan<float> residual)
        : this(kind, bias, activation) => Residual = residual;

    /// <summary>The residual added before the activation (empty: none); laid out like C.</summary>
    public ReadOnlySpan<float> Residual { get; }

    /// <summary>Where <see cref="Bias"/> applies.</summary>
    public GemmBiasKind BiasKind { get; }

    /// <summary>The bias values (ignored when <see cref="BiasKind"/> is None).</summary>
    public ReadOnlySpan<float> Bias { get; }

    /// <summary>The activation applied last.</summary>
    public Activation Activation { get; }
}
