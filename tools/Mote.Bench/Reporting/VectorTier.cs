using Mote.Kernels;

namespace Mote.Bench.Reporting;

/// <summary>A SIMD tier as a benchmark parameter, for benchmarks that run a whole session limited to that tier.</summary>
public sealed record VectorTier(KernelTier Tier) : ITiered, IComparable
{
    /// <summary>Vector bits of the tier.</summary>
    public int Bits => Tier switch { KernelTier.Avx512 => 512, KernelTier.Avx2 => 256, _ => 128 };

    /// <summary>The SIMD tiers this process supports, narrowest first.</summary>
    public static IEnumerable<VectorTier> Supported()
    {
        var features = CpuFeatures.Detect();
        return Enum.GetValues<KernelTier>().Where(t => t != KernelTier.Reference && t.IsSupportedBy(features)).Select(t => new VectorTier(t));
    }

    /// <summary>The process's features reduced to this tier's vector width.</summary>
    public CpuFeatures Features => CpuFeatures.Detect().LimitVectorBits(Bits);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj is VectorTier t ? Tier.CompareTo(t.Tier) : 1;

    /// <inheritdoc/>
    public override string ToString() => Tier.ToString();
}
