using Mote.Kernels.Simd;

namespace Mote.Kernels.Quantized;

/// <summary>Quantized kernel families: each has one entry in <see cref="QuantKernelSet"/> and one or more variants.</summary>
public enum QuantKernelFamily
{
    /// <summary><see cref="QGemmKernel"/>.</summary>
    QGemm,
    /// <summary><see cref="QuantizeLinearKernel"/>.</summary>
    QuantizeLinear,
}

/// <summary>One implementation of a quantized family for one tier. <see cref="Kernel"/> is the family's kernel type.</summary>
public sealed record QuantKernelVariant(QuantKernelFamily Family, string Name, KernelTier Tier, object Kernel)
{
    /// <summary>Whether a process with <paramref name="features"/> may run this variant.</summary>
    public bool IsSupportedBy(CpuFeatures features) =>
        Kernel is QGemmKernel q ? q.IsSupportedBy(features) : Tier.IsSupportedBy(features);
}

/// <summary>
/// Every variant of the quantized kernel families, in one list (kept beside <see cref="KernelRegistry"/> rather
/// than in it while the int8 work is young): <see cref="QuantKernelSet.Create"/> chooses from it, tests and
/// benchmarks iterate it. A later <c>QGemm…NeonDot</c> (ARM dot product on 8-bit quads) is one more line here.
/// </summary>
public static class QuantKernelRegistry
{
    /// <summary>All variants, references first.</summary>
    public static IReadOnlyList<QuantKernelVariant> All { get; } = Build();

    /// <summary>The variants of <paramref name="family"/>, narrowest tier first.</summary>
    public static IEnumerable<QuantKernelVariant> Of(QuantKernelFamily family) => All.Where(v => v.Family == family).OrderBy(v => v.Tier);

    private static QuantKernelVariant[] Build()
    {
        var list = new List<QuantKernelVariant>();
        foreach (QGemmKernel k in new QGemmKernel[]
        {
            new QGemmReference(),
            new QGemmMadd<MaddLanes128, C4, C2>("QGemm4x8Vector128", KernelTier.Vector128, kcPairs: 128, mc: 96, nc: 1024),
            new QGemmMadd<MaddLanes256, C6, C2>("QGemm6x16Avx2", KernelTier.Avx2, kcPairs: 128, mc: 96, nc: 1024),
            new QGemmMadd<MaddLanes512, C8, C2>("QGemm8x32Avx512", KernelTier.Avx512, kcPairs: 128, mc: 96, nc: 1024, supported: f => f.Avx512BW),
        })
            list.Add(new(QuantKernelFamily.QGemm, k.Name, k.Tier, k));

        foreach (QuantizeLinearKernel k in new QuantizeLinearKernel[]
        {
            new QuantizeLinearReferenceKernel(),
            new QuantizeLinearSimd<QuantizeLanes128>("QuantizeLinearVector128", KernelTier.Vector128),
            new QuantizeLinearSimd<QuantizeLanes256>("QuantizeLinearAvx2", KernelTier.Avx2),
            new QuantizeLinearSimd<QuantizeLanes512>("QuantizeLinearAvx512", KernelTier.Avx512),
        })
            list.Add(new(QuantKernelFamily.QuantizeLinear, k.Name, k.Tier, k));
        return list.ToArray();
    }
}

/// <summary>
/// The quantized kernels one session uses: for every family, the widest variant that <see cref="Features"/>
/// allows (as <see cref="KernelSet"/> does for the float families). Operators create it from the session's
/// <see cref="KernelSet.Features"/> and never test ISA flags themselves.
/// </summary>
public sealed class QuantKernelSet
{
    private readonly Dictionary<QuantKernelFamily, QuantKernelVariant> _chosen;

    private QuantKernelSet(CpuFeatures features, Dictionary<QuantKernelFamily, QuantKernelVariant> chosen)
    {
        Features = features;
        _chosen = chosen;
        QGemm = (QGemmKernel)chosen[QuantKernelFamily.QGemm].Kernel;
        QuantizeLinear = (QuantizeLinearKernel)chosen[QuantKernelFamily.QuantizeLinear].Kernel;
    }

    /// <summary>The features the variants were chosen for.</summary>
    public CpuFeatures Features { get; }

    /// <summary>Integer GEMM with int32 accumulation.</summary>
    public QGemmKernel QGemm { get; }

    /// <summary>Per-tensor f32 ↔ 8-bit quantization.</summary>
    public QuantizeLinearKernel QuantizeLinear { get; }

    /// <summary>Picks, for every family, the widest variant that <paramref name="features"/> supports.</summary>
    public static QuantKernelSet Create(CpuFeatures features)
    {
        var chosen = new Dictionary<QuantKernelFamily, QuantKernelVariant>();
        foreach (QuantKernelFamily family in Enum.GetValues<QuantKernelFamily>())
        {
            QuantKernelVariant? best = null;
            foreach (var v in QuantKernelRegistry.Of(family))
                if (v.IsSupportedBy(features) && (best is null || v.Tier > best.Tier))
                    best = v;
            if (best is not null)
                chosen[family] = best;
        }
        return new QuantKernelSet(features, chosen);
    }

    /// <summary>The variant chosen for <paramref name="family"/>.</summary>
    public QuantKernelVariant Chosen(QuantKernelFamily family) => _chosen[family];

    /// <summary>(family, chosen variant name) pairs, for diagnostics.</summary>
    public IReadOnlyList<(string Family, string Variant)> Describe() =>
        _chosen.OrderBy(p => p.Key).Select(p => (p.Key.ToString(), p.Value.Name)).ToArray();
}
