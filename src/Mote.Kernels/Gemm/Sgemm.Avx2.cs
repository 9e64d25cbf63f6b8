using System.Runtime.Intrinsics;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Gemm;

/// <summary>
/// SGEMM on AVX2+FMA: a 6×16 tile, 12 ymm accumulators + 2 B vectors + 1 broadcast of the 16 registers.
/// </summary>
internal static class SgemmAvx2
{
    public static SgemmKernel Create() => new SgemmBlocked<F32x8, Vector256<float>, C6, C2, BroadcastTile<F32x8, Vector256<float>, C6, C2>>("Sgemm6x16Avx2", KernelTier.Avx2, kc: 384, mc: 96, nc: 2048);
}
