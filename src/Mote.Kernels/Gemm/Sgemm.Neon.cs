using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Gemm;

/// <summary>
/// SGEMM on ARM64 NEON (AdvSimd.Arm64): an 8×12 tile, 24 accumulators of ARM64's 32 vector registers, where each
/// FMA takes its A value from a lane of a loaded A vector (<c>fmla v.4s, v.4s, v.s[i]</c>) instead of a broadcast:
/// per k step 2 A loads and 3 B loads feed 24 FMAs (the portable 6×8 tile needs 6 broadcasts and 2 loads for 12),
/// which matters on cores that issue one load per cycle (Cortex-A72 and A76). The small-M path stays the portable
/// broadcast tile (its A rows are not packed). Registered as the 128-bit variant on ARM64 in place of
/// <see cref="SgemmVector128"/>; x64 keeps that one.
/// </summary>
internal static class SgemmNeon
{
    public static SgemmKernel Create() =>
        new SgemmBlocked<F32x4, Vector128<float>, C8, C3, NeonLaneTile>("Sgemm8x12Neon", KernelTier.Vector128, kc: 256, mc: 96, nc: 2048);
}

/// <summary>The 8×12 lane-indexed tile of <see cref="SgemmNeon"/> (ARM64 only).</summary>
internal unsafe struct NeonLaneTile : ISgemmTile<F32x4>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunPacked(int kc, float* a, float* b, nint bStep, F32x4* acc) => Tile<C0>(kc, a, b, bStep, null, 0, acc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunRows(int kc, float* a, float** bRows, nint col, F32x4* acc) => Tile<C1>(kc, a, null, 0, bRows, col, acc);

    // Tiles go through GemmTileStore (not measured on a board yet whether finishing in registers pays here).
    public static bool FinishesInRegisters => false;

    public static void RunPackedTo(int kc, float* a, float* b, nint bStep, GemmTileOutput* output) => throw new NotSupportedException();

    public static void RunRowsTo(int kc, float* a, float** bRows, nint col, GemmTileOutput* output) => throw new NotSupportedException();

    // A packed panel holds the 8 rows of step k at a + 8k: rows 0–3 and 4–7 are one vector each. Summation order over
    // k and each product are those of the broadcast tile (one fused multiply-add per step), so results match it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TRowPointers>(int kc, float* a, float* b, nint bStep, float** bRows, nint col, F32x4* acc)
        where TRowPointers : struct, IConstant
    {
        if (!AdvSimd.Arm64.IsSupported) throw new PlatformNotSupportedException("Sgemm8x12Neon needs ARM64 AdvSimd.");
        Vector128<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector128<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        Vector128<float> c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default;
        Vector128<float> c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        for (int k = 0; k < kc; k++)
        {
            if (TRowPointers.Value == 1) b = bRows[k] + col;
            Vector128<float> b0 = AdvSimd.LoadVector128(b), b1 = AdvSimd.LoadVector128(b + 4), b2 = AdvSimd.LoadVector128(b + 8);
            Vector128<float> lo = AdvSimd.LoadVector128(a), hi = AdvSimd.LoadVector128(a + 4);
            c00 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c00, b0, lo, 0);
            c01 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c01, b1, lo, 0);
            c02 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c02, b2, lo, 0);
            c10 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c10, b0, lo, 1);
            c11 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c11, b1, lo, 1);
            c12 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c12, b2, lo, 1);
            c20 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c20, b0, lo, 2);
            c21 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c21, b1, lo, 2);
            c22 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c22, b2, lo, 2);
            c30 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c30, b0, lo, 3);
            c31 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c31, b1, lo, 3);
            c32 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c32, b2, lo, 3);
            c40 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c40, b0, hi, 0);
            c41 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c41, b1, hi, 0);
            c42 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c42, b2, hi, 0);
            c50 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c50, b0, hi, 1);
            c51 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c51, b1, hi, 1);
            c52 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c52, b2, hi, 1);
            c60 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c60, b0, hi, 2);
            c61 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c61, b1, hi, 2);
            c62 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c62, b2, hi, 2);
            c70 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c70, b0, hi, 3);
            c71 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c71, b1, hi, 3);
            c72 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c72, b2, hi, 3);
            a += 8;
            b += bStep;
        }
        var d = (Vector128<float>*)acc;
        d[0] = c00; d[1] = c01; d[2] = c02; d[3] = c10; d[4] = c11; d[5] = c12;
        d[6] = c20; d[7] = c21; d[8] = c22; d[9] = c30; d[10] = c31; d[11] = c32;
        d[12] = c40; d[13] = c41; d[14] = c42; d[15] = c50; d[16] = c51; d[17] = c52;
        d[18] = c60; d[19] = c61; d[20] = c62; d[21] = c70; d[22] = c71; d[23] = c72;
    }
}
