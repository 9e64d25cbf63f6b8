using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Mote.Kernels.Tests.Elementwise;

/// <summary>
/// The polynomial kernels use multiply-add estimates: fused where the CPU has FMA (x64 with FMA3,
/// every ARM64), a separate multiply and add otherwise (x64 with AVX2 switched off), which costs a
/// few ulp. The stated accuracy is per case.
/// </summary>
internal static class FmaSlack
{
    public static bool HardwareFma => Fma.IsSupported || AdvSimd.IsSupported;

    public static long Ulps(long withFma, long withoutFma) => HardwareFma ? withFma : withoutFma;
}
