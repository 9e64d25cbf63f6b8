using Mote.Kernels.Simd;

namespace Mote.Kernels.Gemm;

/// <summary>
/// SGEMM on AVX-512F: an 8×48 tile, 24 zmm accumulators + 3 B vectors + 1 broadcast of the 32 registers.
/// </summary>
internal static class SgemmAvx512
{
    public static SgemmKernel Create() => new SgemmBlocked<F32x16, C8, C3>("Sgemm8x48Avx512", KernelTier.Avx512, kc: 128, mc: 128, nc: 768);
}
