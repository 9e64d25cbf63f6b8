using Mote.Kernels.Gemm;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Tests;

internal enum GemmEntry { General, PackedA, PackedB, PackedAWithBPanels, PackedAWithBRows }

/// <summary>
/// One GEMM problem with guarded inputs (against an inaccessible page), a sentinel-bordered output and an
/// error bound that says what it means: |C − ref| ≤ 1e-5·(|alpha|·Σ_k|a·b| + |beta·C0| + |bias|)·2 + 1e-6·(1+|ref|),
/// i.e. float summation error relative to the magnitudes summed, doubled for activations whose slope is
/// ≤ 2, plus a few ulp for Exp-based activations.
/// </summary>
internal sealed class GemmCase
{
    public bool TransA, TransB;
    public int M, N, K;
    public float Alpha = 1f, Beta;
    public GemmBiasKind BiasKind;
    public Activation Activation;
    public int Pad; // extra leading-dimension elements
    public bool Residual; // a residual laid out like C, added before the activation
    public int Seed = 1;

    public int Lda => (TransA ? M : K) + Pad;
    public int Ldb => (TransB ? K : N) + Pad;
    public int Ldc => N + Pad;

    public override string ToString() =>
        $"M={M} N={N} K={K} tA={TransA} tB={TransB} alpha={Alpha} beta={Beta} bias={BiasKind} act={Activation.Kind} pad={Pad} residual={Residual}";

    private static int Needed(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;

    public float[] A => TestData.Random(Needed(TransA ? K : M, TransA ? M : K, Lda), Seed * 3 + 1);
    public float[] B => TestData.Random(Needed(TransB ? N : K, TransB ? K : N, Ldb), Seed * 3 + 2);
    public float[] Bias => TestData.Random(BiasKind == GemmBiasKind.PerRow ? M : BiasKind == GemmBiasKind.PerColumn ? N : 0, Seed * 3 + 3, -2f, 2f);
    public float[] C0 => TestData.Random(M * Ldc, Seed * 3 + 4);
    public float[] R => Residual ? TestData.Random(Needed(M, N, Ldc), Seed * 3 + 5, -3f, 3f) : [];

    // B as K row pointers into a copy whose rows are in reverse order and padded by a panel's width (the
    // contract: each row readable TileColumns − 1 floats past its end), the last row against a guard page.
    private unsafe void RunWithRowPointers(SgemmKernel kernel, Span<float> a, Span<float> cs, in GemmEpilogue epilogue, KernelThreadPool? pool)
    {
        int nr = kernel.TileColumns, stride = N + nr;
        var host = B;
        var rows = new float[Math.Max(1, K * stride - 1)]; // the last row is read up to N + nr − 2
        for (int kk = 0; kk < K; kk++)
            for (int j = 0; j < N; j++)
                rows[(K - 1 - kk) * stride + j] = TransB ? host[j * Ldb + kk] : host[kk * Ldb + j];
        using var guarded = GuardedBuffer.From(rows);
        var pointers = new nint[Math.Max(K, 1)];
        fixed (float* p = guarded.Span)
        {
            for (int kk = 0; kk < K; kk++)
                pointers[kk] = (nint)(p + (K - 1 - kk) * stride);
            fixed (nint* rp = pointers)
                kernel.Gemm(kernel.PackA(TransA, M, K, a, Lda), N, Alpha, (float**)rp, Beta, cs, Ldc, epilogue, pool);
        }
    }

    /// <summary>Runs <paramref name="kernel"/>; returns C with one sentinel row above and below.</summary>
    public float[] Run(SgemmKernel kernel, GemmEntry entry = GemmEntry.General, KernelThreadPool? pool = null)
    {
        using var a = GuardedBuffer.From(A);
        using var b = GuardedBuffer.From(B);
        using var bias = GuardedBuffer.From(Bias);
        using var residual = GuardedBuffer.From(R);
        float[] c = new float[(M + 2) * Ldc];
        Array.Fill(c, TestData.Sentinel);
        float[] c0 = C0;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
                c[(i + 1) * Ldc + j] = Beta == 0f ? float.NaN : c0[i * Ldc + j]; // beta = 0 must not read C
        Span<float> cs = c.AsSpan(Ldc, Needed(M, N, Ldc));
        var epilogue = new GemmEpilogue(BiasKind, bias.Span, Activation).WithResidual(residual.Span);
        switch (entry)
        {
            case GemmEntry.General:
                kernel.Gemm(TransA, TransB, M, N, K, Alpha, a.Span, Lda, b.Span, Ldb, Beta, cs, Ldc, epilogue, pool);
                break;
            case GemmEntry.PackedA:
                var pa = kernel.PackA(TransA, M, K, a.Span, Lda);
                kernel.Gemm(pa, TransB, N, Alpha, b.Span, Ldb, Beta, cs, Ldc, epilogue, pool);
                break;
            case GemmEntry.PackedB:
                var pb = kernel.PackB(TransB, K, N, b.Span, Ldb);
                kernel.Gemm(TransA, M, Alpha, a.Span, Lda, pb, Beta, cs, Ldc, epilogue, pool);
                break;
            case GemmEntry.PackedAWithBPanels:
                // B laid out by hand in the variant's panels (as convolution's im2col writes it), against a guard page.
                int nr = kernel.TileColumns;
                var host = B;
                var panels = new float[(N + nr - 1) / nr * nr * K];
                for (int j = 0; j < N; j++)
                    for (int kk = 0; kk < K; kk++)
                        panels[(j / nr) * K * nr + kk * nr + j % nr] = TransB ? host[j * Ldb + kk] : host[kk * Ldb + j];
                using (var guarded = GuardedBuffer.From(panels))
                    kernel.Gemm(kernel.PackA(TransA, M, K, a.Span, Lda), N, Alpha, guarded.Span, Beta, cs, Ldc, epilogue, pool);
                break;
            case GemmEntry.PackedAWithBRows:
                RunWithRowPointers(kernel, a.Span, cs, epilogue, pool);
                break;
        }
        return c;
    }

    /// <summary>Asserts <paramref name="c"/> (from <see cref="Run"/>) matches the reference and the border is intact.</summary>
    public void Verify(float[] c, string variant)
    {
        float[] expected = Run(new SgemmReferenceKernelAccessor().Kernel);
        float[] a = A, b = B, bias = Bias, c0 = C0, r = R;
        for (int idx = 0; idx < c.Length; idx++)
        {
            int row = idx / Ldc - 1, col = idx % Ldc;
            bool inside = row >= 0 && row < M && col < N;
            if (!inside)
            {
                if (BitConverter.SingleToInt32Bits(c[idx]) != BitConverter.SingleToInt32Bits(TestData.Sentinel))
                    throw new Xunit.Sdk.XunitException($"{variant} {this}: wrote outside C at row {row}, col {col}: {c[idx]}");
                continue;
            }
            double mag = 0;
            for (int k = 0; k < K; k++)
            {
                float av = TransA ? a[k * Lda + row] : a[row * Lda + k];
                float bv = TransB ? b[col * Ldb + k] : b[k * Ldb + col];
                mag += Math.Abs((double)av * bv);
            }
            mag *= Math.Abs(Alpha);
            if (Beta != 0f) mag += Math.Abs(Beta * c0[row * Ldc + col]);
            if (BiasKind == GemmBiasKind.PerRow) mag += Math.Abs(bias[row]);
            if (BiasKind == GemmBiasKind.PerColumn) mag += Math.Abs(bias[col]);
            if (Residual) mag += Math.Abs(r[row * Ldc + col]);
            float want = expected[idx], got = c[idx];
            double tol = 2e-5 * mag + 1e-6 * (1 + Math.Abs(want));
            if (float.IsNaN(want) != float.IsNaN(got) || Math.Abs(got - want) > tol)
                throw new Xunit.Sdk.XunitException($"{variant} {this}: C[{row},{col}] = {got}, reference {want}, tolerance {tol:g3}");
        }
    }

    public void Check(SgemmKernel kernel, GemmEntry entry = GemmEntry.General, KernelThreadPool? pool = null) =>
        Verify(Run(kernel, entry, pool), kernel.Name + "/" + entry);
}

/// <summary>The registered reference SGEMM.</summary>
internal readonly struct SgemmReferenceKernelAccessor
{
    public SgemmKernel Kernel => (SgemmKernel)KernelRegistry.Of(KernelFamily.Sgemm).First(v => v.Tier == KernelTier.Reference).Kernel;
}
