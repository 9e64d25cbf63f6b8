namespace Mote.Kernels.Quantized;

/// <summary>One validated integer GEMM call as raw pointers (valid for the duration of the call).</summary>
internal unsafe struct QGemmArgs
{
    public int M, N, K;
    /// <summary>A (row-major, <see cref="Lda"/>) unless <see cref="PackedA"/> is set.</summary>
    public byte* A;
    public int Lda;
    public bool ASigned;
    /// <summary>Zero points of A: count 0 (none), 1 (per tensor) or M (per row).</summary>
    public int* ZeroA;
    public int ZeroACount;
    public int* PackedA;
    /// <summary>B (row-major, <see cref="Ldb"/>) unless <see cref="PackedB"/> is set.</summary>
    public byte* B;
    public int Ldb;
    public bool BSigned;
    /// <summary>Zero points of B: count 0, 1 or N (per column).</summary>
    public int* ZeroB;
    public int ZeroBCount;
    public int* PackedB;
    public int* C;
    public int Ldc;

    /// <summary><c>A[row, k] − za[row]</c>.</summary>
    public readonly int AValue(int row, int k)
    {
        byte v = A[(nint)row * Lda + k];
        return (ASigned ? (sbyte)v : v) - (ZeroACount == 0 ? 0 : ZeroA[ZeroACount == 1 ? 0 : row]);
    }

    /// <summary><c>B[k, col] − zb[col]</c>.</summary>
    public readonly int BValue(int k, int col)
    {
        byte v = B[(nint)k * Ldb + col];
        return (BSigned ? (sbyte)v : v) - (ZeroBCount == 0 ? 0 : ZeroB[ZeroBCount == 1 ? 0 : col]);
    }
}
