using Mote.Kernels.Threading;

namespace Mote.Kernels.Quantized;

/// <summary>
/// The scalar integer GEMM: the definition, <c>C[m, n] = Σ_k (A[m, k] − za[m]) · (B[k, n] − zb[n])</c>, one
/// element at a time. "Packing" stores the zero-point-adjusted values as int32 matrices (A: M×K, B: K×N).
/// </summary>
internal sealed unsafe class QGemmReference : QGemmKernel
{
    public override string Name => "QGemmReference";

    public override KernelTier Tier => KernelTier.Reference;

    public override int TileRows => 1;

    public override int TileColumns => 1;

    private protected override int PackedALength(int m, int k) => checked(m * k);

    private protected override int PackedBLength(int k, int n) => checked(k * n);

    private protected override void PackACore(in QGemmArgs g, int* dst)
    {
        for (int r = 0; r < g.M; r++)
            for (int k = 0; k < g.K; k++)
                dst[(nint)r * g.K + k] = g.AValue(r, k);
    }

    private protected override void PackBCore(in QGemmArgs g, int* dst)
    {
        for (int k = 0; k < g.K; k++)
            for (int n = 0; n < g.N; n++)
                dst[(nint)k * g.N + n] = g.BValue(k, n);
    }

    private protected override void Compute(in QGemmArgs g, KernelThreadPool? pool)
    {
        for (int m = 0; m < g.M; m++)
            for (int n = 0; n < g.N; n++)
            {
                int sum = 0;
                for (int k = 0; k < g.K; k++)
                {
                    int a = g.PackedA != null ? g.PackedA[(nint)m * g.K + k] : g.AValue(m, k);
                    int b = g.PackedB != null ? g.PackedB[(nint)k * g.N + n] : g.BValue(k, n);
                    sum = unchecked(sum + a * b);
                }
                g.C[(nint)m * g.Ldc + n] = sum;
            }
    }
}
