using Mote.Bench.Reporting;
using Mote.Kernels;

namespace Mote.Bench.Peak;

/// <summary>One vector width of the FMA loop as a benchmark parameter.</summary>
public sealed record PeakWidth(int Bits) : IWorkload, ITiered, IComparable
{
    /// <summary>Loop iterations per benchmark invocation (~1–4 ms).</summary>
    public const int Iterations = 1 << 18;

    /// <inheritdoc/>
    public double Flops => 2.0 * (Bits / 32) * FmaPeak.Chains * Iterations;

    /// <inheritdoc/>
    public KernelTier Tier => Bits switch { 512 => KernelTier.Avx512, 256 => KernelTier.Avx2, _ => KernelTier.Vector128 };

    /// <summary>The widths accelerated in this process.</summary>
    public static IEnumerable<PeakWidth> Accelerated()
    {
        if (Fma128.IsAccelerated) yield return new(128);
        if (Fma256.IsAccelerated) yield return new(256);
        if (Fma512.IsAccelerated) yield return new(512);
    }

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj is PeakWidth w ? Bits.CompareTo(w.Bits) : 1;

    /// <inheritdoc/>
    public override string ToString() => $"{Bits}-bit";
}
