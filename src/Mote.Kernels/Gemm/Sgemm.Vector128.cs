using System.Runtime.Intrinsics;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Gemm;

/// <summary>
/// SGEMM on 128-bit cross-platform vectors (x64 SSE/AVX, ARM64 NEON): a 6×8 tile, 12 accumulators,
/// which fits x64's 16 vector registers and leaves ARM64's 32 comfortable.
/// </summary>
internal static class SgemmVector128
{
    public static SgemmKernel Create() => new SgemmBlocked<F32x4, Vector128<float>, C6, C2, BroadcastTile<F32x4, Vector128<float>, C6, C2>>("Sgemm6x8Vector128", KernelTier.Vector128, kc: 256, mc: 96, nc: 2048);
}
