using Mote.Kernels.Convolution;
using Mote.Kernels.Gemm;
using Mote.Kernels.Pooling;
using Mote.Kernels.Simd;

namespace Mote.Kernels;

/// <summary>Kernel families: each has one entry in <see cref="KernelSet"/> and one or more variants.</summary>
public enum KernelFamily
{
    /// <summary><see cref="SgemmKernel"/>.</summary>
    Sgemm,
    /// <summary><see cref="DepthwiseConv2DKernel"/>.</summary>
    DepthwiseConv2D,
    /// <summary><see cref="Pool2DKernel"/>.</summary>
    Pool2D,
    /// <summary><see cref="ActivationKernel"/>.</summary>
    Activation,
}

/// <summary>One implementation of a family for one tier. <see cref="Kernel"/> is the family's kernel type.</summary>
public sealed record KernelVariant(KernelFamily Family, string Name, KernelTier Tier, object Kernel)
{
    /// <summary>Whether a process with <paramref name="features"/> may run this variant.</summary>
    public bool IsSupportedBy(CpuFeatures features) => Tier.IsSupportedBy(features);
}

/// <summary>
/// Every variant of every family, in one list: <see cref="KernelSet.Create"/> chooses from it, and tests and
/// benchmarks iterate it, so no variant exists without being tested. Variants are immutable and stateless
/// (scratch and threads belong to the caller), so sharing these instances is safe.
/// </summary>
public static class KernelRegistry
{
    /// <summary>All variants, references first.</summary>
    public static IReadOnlyList<KernelVariant> All { get; } = Build();

    /// <summary>The variants of <paramref name="family"/>, narrowest tier first.</summary>
    public static IEnumerable<KernelVariant> Of(KernelFamily family) => All.Where(v => v.Family == family).OrderBy(v => v.Tier);

    private static KernelVariant[] Build()
    {
        var list = new List<KernelVariant>();
        void Add(KernelFamily family, KernelTier tier, object kernel, string name) => list.Add(new(family, name, tier, kernel));

        // The 128-bit variant is the lane-indexed NEON tile on ARM64 and the portable broadcast tile elsewhere.
        var sgemm128 = System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported ? SgemmNeon.Create() : SgemmVector128.Create();
        foreach (SgemmKernel k in new[] { new SgemmReferenceKernel(), sgemm128, SgemmAvx2.Create(), SgemmAvx512.Create() })
            Add(KernelFamily.Sgemm, k.Tier, k, k.Name);

        foreach (DepthwiseConv2DKernel k in new DepthwiseConv2DKernel[]
        {
            new DepthwiseConv2DReferenceKernel(),
            new DepthwiseConv2DSimd<F32x4>("DepthwiseConv2DVector128", KernelTier.Vector128),
            new DepthwiseConv2DSimd<F32x8>("DepthwiseConv2DAvx2", KernelTier.Avx2),
            new DepthwiseConv2DSimd<F32x16>("DepthwiseConv2DAvx512", KernelTier.Avx512),
        })
            Add(KernelFamily.DepthwiseConv2D, k.Tier, k, k.Name);

        foreach (Pool2DKernel k in new Pool2DKernel[]
        {
            new Pool2DReferenceKernel(),
            new Pool2DSimd<F32x4>("Pool2DVector128", KernelTier.Vector128),
            new Pool2DSimd<F32x8>("Pool2DAvx2", KernelTier.Avx2),
            new Pool2DSimd<F32x16>("Pool2DAvx512", KernelTier.Avx512),
        })
            Add(KernelFamily.Pool2D, k.Tier, k, k.Name);

        foreach (ActivationKernel k in new ActivationKernel[]
        {
            new ActivationReferenceKernel(),
            new ActivationSimdKernel<F32x4>("ActivationVector128", KernelTier.Vector128),
            new ActivationSimdKernel<F32x8>("ActivationAvx2", KernelTier.Avx2),
            new ActivationSimdKernel<F32x16>("ActivationAvx512", KernelTier.Avx512),
        })
            Add(KernelFamily.Activation, k.Tier, k, k.Name);
        return list.ToArray();
    }
}
