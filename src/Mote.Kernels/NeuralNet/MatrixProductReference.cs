using System.Numerics;

namespace Mote.Kernels.NeuralNet;

/// <summary>
/// Scalar matrix product for element types the SGEMM kernels do not cover (f64, integers):
/// <c>C = alpha·op(A)·op(B) + beta·C</c>, row-major with leading dimensions, summed in T in order of k
/// (integers wrap, as ONNX's integer MatMul does). Not fast: for f64 graphs and shape arithmetic.
/// </summary>
public static class MatrixProductReference
{
    /// <summary>
    /// Computes the product into the m×n block of <paramref name="c"/> (row stride ldc). A is m×k (lda), or k×m
    /// when <paramref name="transA"/>; B is k×n (ldb), or n×k when <paramref name="transB"/>. When
    /// <paramref name="beta"/> is zero, C is not read.
    /// </summary>
    public static void Multiply<T>(int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda, bool transA,
        ReadOnlySpan<T> b, int ldb, bool transB, T beta, Span<T> c, int ldc) where T : INumber<T>
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                    sum += a[transA ? p * lda + i : i * lda + p] * b[transB ? j * ldb + p : p * ldb + j];
                ref T y = ref c[i * ldc + j];
                y = T.IsZero(beta) ? alpha * sum : alpha * sum + beta * y;
            }
    }
}
