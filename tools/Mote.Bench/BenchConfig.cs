using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using Mote.Bench.Peak;
using Mote.Bench.Reporting;

namespace Mote.Bench;

/// <summary>
/// The BenchmarkDotNet configuration: flop columns, wide parameter columns, results under <c>out/bench</c> (the
/// default exporters write GitHub markdown, CSV and HTML there). Jobs come from the command line (<c>--job</c>,
/// <c>--iterationCount</c> …, or <c>--quick</c>, see <see cref="QuickArgs"/>); none given = BenchmarkDotNet's default job.
/// </summary>
internal static class BenchConfig
{
    /// <summary>
    /// What <c>--quick</c> stands for: one launch, 3 warm-up and 5 measured iterations of ~150 ms each, so a full
    /// run takes minutes rather than an hour (with a wider spread).
    /// </summary>
    public static readonly string[] QuickArgs = ["--launchCount", "1", "--warmupCount", "3", "--iterationCount", "5", "--iterationTime", "150"];

    public static IConfig Create(FmaPeak peak) =>
        ManualConfig.Create(DefaultConfig.Instance)
            .AddColumn(new GflopsColumn(peak), new PercentOfPeakColumn(peak))
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(64))
            .AddColumn(StatisticColumn.Median)
            .WithArtifactsPath(Path.Combine("out", "bench"));
}
