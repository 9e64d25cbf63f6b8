using Mote.Kernels.Convolution;
using Mote.Kernels.Gemm;
using Mote.Kernels.Pooling;

namespace Mote.Kernels;

/// <summary>
/// The kernels one session uses, chosen once from <see cref="KernelRegistry"/>: for every family, the
/// widest tier that <see cref="Features"/> allows. Owned by the session (not a global), so tests build one
/// per tier and operators never test ISA flags themselves.
/// </summary>
public sealed class KernelSet
{
    private readonly Dictionary<KernelFamily, KernelVariant> _chosen;

    private KernelSet(CpuFeatures features, Dictionary<KernelFamily, KernelVariant> chosen)
    {
        Features = features;
        _chosen = chosen;
        Sgemm = (SgemmKernel)chosen[KernelFamily.Sgemm].Kernel;
        DepthwiseConv2D = (DepthwiseConv2DKernel)chosen[KernelFamily.DepthwiseConv2D].Kernel;
        Pool2D = (Pool2DKernel)chosen[KernelFamily.Pool2D].Kernel;
        Activation = (ActivationKernel)chosen[KernelFamily.Activation].Kernel;
    }

    /// <summary>The features the variants were chosen for.</summary>
    public CpuFeatures Features { get; }

    /// <summary>Single-precision GEMM.</summary>
    public SgemmKernel Sgemm { get; }

    /// <summary>Depthwise 2-D convolution with fused bias and activation.</summary>
    public DepthwiseConv2DKernel DepthwiseConv2D { get; }

    /// <summary>Max, average and global pooling.</summary>
    public Pool2DKernel Pool2D { get; }

    /// <summary>Standalone in-place activation.</summary>
    public ActivationKernel Activation { get; }

    /// <summary>Picks, for every family, the widest variant that <paramref name="features"/> supports.</summary>
    public static KernelSet Create(CpuFeatures features)
    {
        var chosen = new Dictionary<KernelFamily, KernelVariant>();
        foreach (KernelFamily family in Enum.GetValues<KernelFamily>())
        {
            KernelVariant? best = null;
            foreach (var v in KernelRegistry.Of(family))
                if (v.IsSupportedBy(features) && (best is null || v.Tier > best.Tier)) best = v;
            if (best is not null) chosen[family] = best;
        }
        return new KernelSet(features, chosen);
    }

    /// <summary>The variant chosen for <paramref name="family"/>.</summary>
    public KernelVariant Chosen(KernelFamily family) => _chosen[family];

    /// <summary>(family, chosen variant name) pairs, for <c>mote info --cpu</c>.</summary>
    public IReadOnlyList<(string Family, string Variant)> Describe() =>
        _chosen.OrderBy(p => p.Key).Select(p => (p.Key.ToString(), p.Value.Name)).ToArray();
}
