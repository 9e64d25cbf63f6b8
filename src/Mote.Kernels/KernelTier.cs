namespace Mote.Kernels;

/// <summary>Instruction-set tiers, narrowest first. A kernel table takes the widest its features allow.</summary>
public enum KernelTier
{
    /// <summary>Scalar C#: the reference every other variant is tested against; runs anywhere.</summary>
    Reference = 0,
    /// <summary>Cross-platform <c>Vector128</c> (x64 SSE/AVX, ARM64 NEON).</summary>
    Vector128 = 1,
    /// <summary>x64 AVX2 with FMA3 (<c>Vector256</c>).</summary>
    Avx2 = 2,
    /// <summary>x64 AVX-512F (<c>Vector512</c>).</summary>
    Avx512 = 3,
}

/// <summary>What a tier needs from <see cref="CpuFeatures"/>.</summary>
public static class KernelTierExtensions
{
    /// <summary>Whether a process with <paramref name="features"/> may run kernels of <paramref name="tier"/>.</summary>
    public static bool IsSupportedBy(this KernelTier tier, CpuFeatures features) => tier switch
    {
        KernelTier.Reference => true,
        KernelTier.Vector128 => features.Vector128,
        KernelTier.Avx2 => features.Avx2Fma,
        KernelTier.Avx512 => features.Avx512F,
        _ => false,
    };
}
