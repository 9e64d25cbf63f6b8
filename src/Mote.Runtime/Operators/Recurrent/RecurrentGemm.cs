using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Mote.Kernels;
using Mote.Kernels.Gemm;
using Mote.Kernels.Threading;

namespace Mote.Runtime.Operators.Recurrent;

/// <summary>
/// The two matrix products of a recurrent step, <c>C = A·Wᵀ (+ bias per column)</c> with W stored as ONNX
/// keeps it ([N, K] row-major, one gate row per output column): f32 through the session's SGEMM (with W
/// packed at load when it is a constant), f64 as one dot product per output.
/// </summary>
internal static class RecurrentGemm
{
    /// <summary>
    /// C[m, n] (row stride <paramref name="ldc"/>) = A[m, k]·Wᵀ + bias, W being <paramref name="w"/> ([n, k]) or its
    /// packed form; <paramref name="bias"/> empty for none. C must not overlap A, W or the bias.
    /// </summary>
    public static void MultiplyTransposed<T>(ReadOnlySpan<T> a, int m, int k, ReadOnlySpan<T> w, SgemmPackedB? packed,
        ReadOnlySpan<T> bias, Span<T> c, int n, int ldc, KernelSet kernels, KernelThreadPool? pool)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0)
            return;
        c = c[..((m - 1) * ldc + n)];
        if (typeof(T) == typeof(float))
        {
            var af = MemoryMarshal.Cast<T, float>(a);
            var cf = MemoryMarshal.Cast<T, float>(c);
            var epilogue = bias.IsEmpty ? default : new GemmEpilogue(GemmBiasKind.PerColumn, MemoryMarshal.Cast<T, float>(bias));
            var sgemm = kernels.Sgemm;
            if (packed is not null)
                sgemm.Gemm(false, m, 1f, af, Math.Max(1, k), packed, 0f, cf, ldc, in epilogue, pool);
            else
                sgemm.Gemm(false, true, m, n, k, 1f, af, Math.Max(1, k), MemoryMarshal.Cast<T, float>(w), Math.Max(1, k), 0f, cf, ldc, in epilogue, pool);
            return;
        }
        for (int i = 0; i < m; i++)
        {
            var row = a.Slice(i * k, k);
            var dst = c.Slice(i * ldc, n);
            for (int j = 0; j < n; j++)
                dst[j] = TensorPrimitives.Dot(row, w.Slice(j * k, k)) + (bias.IsEmpty ? T.Zero : bias[j]);
        }
    }
}
