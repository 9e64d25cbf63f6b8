namespace Mote.Kernels.Gemm;

/// <summary>
/// One validated, pinned GEMM call as raw pointers: what the public entry points hand to a variant.
/// Exactly one of <see cref="A"/>/<see cref="PackedA"/> (and of <see cref="B"/>/<see cref="PackedB"/>/<see cref="BRows"/>) is set.
/// </summary>
internal unsafe struct GemmArgs
{
    public int M, N, K;
    public float Alpha, Beta;

    /// <summary>A as stored: M×K row-major (lda ≥ K), or K×M when <see cref="TransA"/> (lda ≥ M).</summary>
    public float* A;
    public nint Lda;
    public bool TransA;
    public float* PackedA;

    /// <summary>B as stored: K×N row-major (ldb ≥ N), or N×K when <see cref="TransB"/> (ldb ≥ K).</summary>
    public float* B;
    public nint Ldb;
    public bool TransB;
    public float* PackedB;
    /// <summary>B as K row pointers, row k's N columns contiguous at <c>BRows[k]</c> (implicit-GEMM convolution).</summary>
    public float** BRows;

    public float* C;
    public nint Ldc;

    public float* Bias;
    /// <summary>Residual added before the activation, element (i, j) at <c>i·Ldc + j</c>; null when none.</summary>
    public float* Residual;
    public GemmBiasKind BiasKind;
    public Activation Activation;
}
