using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Mote.Bench.Peak;

namespace Mote.Bench.Reporting;

/// <summary>Shared plumbing of the two flop columns: the case's workload, tier and median time.</summary>
internal abstract class FlopColumn(FmaPeak peak) : IColumn
{
    protected FmaPeak Peak { get; } = peak;

    public abstract string Id { get; }
    public abstract string ColumnName { get; }
    public abstract string Legend { get; }
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var workload = Parameter<IWorkload>(benchmarkCase);
        // The median, not the mean: on a shared machine a few disturbed iterations should not move the figure.
        var median = summary[benchmarkCase]?.ResultStatistics?.Median;
        if (workload is null || median is not > 0)
            return "-";
        double gflops = workload.Flops / median.Value; // flops per nanosecond = GFLOP/s
        return Format(gflops, Parameter<ITiered>(benchmarkCase));
    }

    protected abstract string Format(double gflops, ITiered? tiered);

    private static T? Parameter<T>(BenchmarkCase c) where T : class =>
        c.Parameters.Items.Select(p => p.Value).OfType<T>().FirstOrDefault();

    public override string ToString() => ColumnName;
}

/// <summary>GFLOP/s from the case's flop count and BenchmarkDotNet's median time.</summary>
internal sealed class GflopsColumn(FmaPeak peak) : FlopColumn(peak)
{
    public override string Id => "Mote.GFLOPs";
    public override string ColumnName => "GFLOP/s";
    public override string Legend => "Floating-point operations per second (2 per multiply-add) from the median time, one thread";
    protected override string Format(double gflops, ITiered? tiered) => gflops.ToString("F1", CultureInfo.InvariantCulture);
}

/// <summary>GFLOP/s as a share of the measured FMA peak of the vector width the variant uses.</summary>
internal sealed class PercentOfPeakColumn(FmaPeak peak) : FlopColumn(peak)
{
    public override string Id => "Mote.PercentOfPeak";
    public override string ColumnName => "% of peak";
    public override string Legend => "GFLOP/s over the single-thread FMA peak of the variant's vector width (Avx512: 512-bit, Avx2: 256-bit, Vector128: 128-bit), measured before the run";
    protected override string Format(double gflops, ITiered? tiered) =>
        tiered is not null && Peak.ForTier(tiered.Tier) is { } p
            ? (100 * gflops / p).ToString("F1", CultureInfo.InvariantCulture) + " %"
            : "-";
}
