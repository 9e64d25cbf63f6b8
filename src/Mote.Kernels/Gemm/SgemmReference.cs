using Mote.Kernels.Threading;

namespace Mote.Kernels.Gemm;

/// <summary>
/// The scalar reference SGEMM: the definition, loop by loop (reached through the <c>SgemmReference</c>
/// variant, e.g. <c>KernelSet.Create(CpuFeatures.None).Sgemm</c>). What every other variant is tested against
/// and what runs where no SIMD tier exists. Same layout contract as <see cref="SgemmKernel"/>.
/// </summary>
internal static unsafe class SgemmReference
{
    /// <summary>
    /// <c>C[i,j] = act(alpha·Σ_k op(A)[i,k]·op(B)[k,j] + beta·C[i,j] + bias)</c>, summing k in order in float.
    /// C is not read when beta is 0.
    /// </summary>
    internal static void Gemm(in GemmArgs g)
    {
        for (int i = 0; i < g.M; i++)
        {
            for (int j = 0; j < g.N; j++)
            {
                float sum = 0f;
                for (int k = 0; k < g.K; k++)
                {
                    float a = g.TransA ? g.A[k * g.Lda + i] : g.A[i * g.Lda + k];
                    float b = g.BRows != null ? g.BRows[k][j] : g.TransB ? g.B[j * g.Ldb + k] : g.B[k * g.Ldb + j];
                    sum += a * b;
                }
                float* c = g.C + i * g.Ldc + j;
                float v = g.Alpha * sum;
                if (g.Beta != 0f) v += g.Beta * *c;
                if (g.BiasKind == GemmBiasKind.PerRow) v += g.Bias[i];
                else if (g.BiasKind == GemmBiasKind.PerColumn) v += g.Bias[j];
                if (g.Residual != null) v += g.Residual[i * g.Ldc + j];
                *c = g.Activation.Apply(v);
            }
        }
    }
}

/// <summary>
/// The reference as a kernel-table variant. Its "packed" operands use one-wide panels, i.e. op(A) row-major
/// and op(B) column-major, so packing is a plain copy. Runs single-threaded whatever the pool.
/// </summary>
internal sealed unsafe class SgemmReferenceKernel : SgemmKernel
{
    public override string Name => "SgemmReference";

    public override KernelTier Tier => KernelTier.Reference;

    public override int TileRows => 1;

    public override int TileColumns => 1;

    private protected override void Compute(in GemmArgs args, KernelThreadPool? pool)
    {
        GemmArgs g = args;
        if (g.PackedA != null) { g.A = g.PackedA; g.Lda = Math.Max(g.K, 1); g.TransA = false; }
        if (g.PackedB != null) { g.B = g.PackedB; g.Ldb = Math.Max(g.K, 1); g.TransB = true; }
        SgemmReference.Gemm(in g);
    }
}
