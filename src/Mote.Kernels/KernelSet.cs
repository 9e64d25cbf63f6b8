namespace Mote.Kernels;

/// <summary>Placeholder until the kernel table lands (wip/kernels).</summary>
public sealed class KernelSet
{
    private KernelSet(CpuFeatures features) => Features = features;

    /// <summary>Features the table was built for.</summary>
    public CpuFeatures Features { get; }

    /// <summary>Builds the table.</summary>
    public static KernelSet Create(CpuFeatures features) => new(features);

    /// <summary>Chosen variants.</summary>
    public IReadOnlyList<(string Family, string Variant)> Describe() => [];
}
