using Mote.Kernels;

namespace Mote.Bench.Reporting;

/// <summary>A registry variant as a benchmark parameter: prints its name, tells its tier.</summary>
public sealed class KernelChoice(KernelVariant variant) : ITiered
{
    /// <summary>The registry entry.</summary>
    public KernelVariant Variant { get; } = variant;

    /// <inheritdoc/>
    public KernelTier Tier => Variant.Tier;

    /// <summary>The variants of <paramref name="family"/> this process can run (CPU features and runtime switches), narrowest first.</summary>
    public static IEnumerable<KernelChoice> Supported(KernelFamily family)
    {
        var features = CpuFeatures.Detect();
        return KernelRegistry.Of(family).Where(v => v.IsSupportedBy(features)).Select(v => new KernelChoice(v));
    }

    /// <inheritdoc/>
    public override string ToString() => Variant.Name;
}
