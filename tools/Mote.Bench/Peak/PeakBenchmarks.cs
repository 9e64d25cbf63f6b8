using BenchmarkDotNet.Attributes;

namespace Mote.Bench.Peak;

/// <summary>
/// The FMA peak loop under BenchmarkDotNet: a check that the peak printed before the run (which the "% of peak"
/// columns use) agrees with what the harness measures; this row's "% of peak" should be close to 100 %.
/// </summary>
public class PeakBenchmarks
{
    /// <summary>Vector width.</summary>
    [ParamsSource(nameof(Widths))]
    public PeakWidth Width { get; set; } = null!;

    /// <summary>The widths this process accelerates.</summary>
    public static IEnumerable<PeakWidth> Widths() => PeakWidth.Accelerated();

    /// <summary><see cref="FmaPeak.Chains"/> FMA chains for <see cref="PeakWidth.Iterations"/> iterations.</summary>
    [Benchmark]
    public float Fma() => Width.Bits switch
    {
        512 => FmaPeak.Loop<Fma512>(PeakWidth.Iterations),
        256 => FmaPeak.Loop<Fma256>(PeakWidth.Iterations),
        _ => FmaPeak.Loop<Fma128>(PeakWidth.Iterations),
    };
}
