using Mote.Kernels.Gemm;

namespace Mote.Kernels;

/// <summary>Kernel families: each has one entry in <see cref="KernelSet"/> and one or more variants.</summary>
public enum KernelFamily
{
    /// <summary><see cref="SgemmKernel"/>.</summary>
    Sgemm,
    /// <summary>Depthwise 2-D convolution.</summary>
    DepthwiseConv2D,
    /// <summary>2-D max and average pooling.</summary>
    Pool2D,
    /// <summary>Standalone activation.</summary>
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

        foreach (SgemmKernel k in new[] { new SgemmReferenceKernel(), SgemmVector128.Create(), SgemmAvx2.Create(), SgemmAvx512.Create() })
            Add(KernelFamily.Sgemm, k.Tier, k, k.Name);
        return list.ToArray();
    }
}
