using System.Globalization;
using Mote.Runtime;
using Spectre.Console;

namespace Mote.Cli.Commands;

/// <summary>Prints a <see cref="SessionProfile"/>: time per operator type, then the slowest nodes, per run.</summary>
/// <remarks>
/// If, Loop and Scan nodes contain their bodies' nodes, which the profile lists too; the tables count only
/// the nodes that do the work (an If's own overhead shows as the gap between the total and the sum).
/// </remarks>
internal static class ProfileReport
{
    private const int SlowestNodes = 20;

    private static bool HoldsSubgraph(NodeTiming n) => n.OpType is "If" or "Loop" or "Scan";

    private static string Shape(int[] s) => Markup.Escape("[" + string.Join(",", s) + "]");

    public static void Print(SessionProfile profile)
    {
        // Node names and shapes are long: when piped, lay the tables out wide rather than wrap every cell.
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        var nodes = profile.Nodes;
        long runs = Math.Max(1, profile.Runs);
        double total = nodes.Where(n => n.Depth == 0).Sum(n => n.Total.TotalMilliseconds);
        if (total <= 0)
            return;
        var work = nodes.Where(n => !HoldsSubgraph(n)).ToArray();
        string Share(double ms) => (100 * ms / total).ToString("F1", CultureInfo.InvariantCulture) + " %";

        var byType = new Table().Title($"time per run by operator ({runs} runs, {Units.Ms(total / runs)} ms in nodes)")
            .AddColumns("operator", "nodes", "ms/run", "share");
        foreach (var g in work.GroupBy(n => n.OpType).Select(g => (Op: g.Key, Count: g.Count(), Ms: g.Sum(n => n.Total.TotalMilliseconds)))
                     .OrderByDescending(g => g.Ms))
            byType.AddRow(Markup.Escape(g.Op), g.Count.ToString(CultureInfo.InvariantCulture), Units.Ms(g.Ms / runs), Share(g.Ms));
        AnsiConsole.Write(byType);

        var slowest = new Table().Title($"slowest {Math.Min(SlowestNodes, work.Length)} nodes")
            .AddColumns("node", "operator", "inputs", "output", "calls/run", "ms/run", "share");
        foreach (var n in work.OrderByDescending(n => n.Total).Take(SlowestNodes))
            slowest.AddRow(Markup.Escape(n.Name), Markup.Escape(n.OpType), string.Join(" ", n.InputShapes.Where(s => s.Length > 0).Select(Shape)),
                Shape(n.OutputShape), ((double)n.Calls / runs).ToString("0.##", CultureInfo.InvariantCulture),
                Units.Ms(n.Total.TotalMilliseconds / runs), Share(n.Total.TotalMilliseconds));
        AnsiConsole.Write(slowest);
    }

    /// <summary>ONNX Runtime's profile beside Mote's: time per operator type of its optimized graph, then its slowest nodes.</summary>
    public static void Print(Reference.OnnxRuntimeProfile profile)
    {
        double total = profile.Ops.Sum(o => o.Ms);
        if (total <= 0)
            return;
        string Share(double ms) => (100 * ms / total).ToString("F1", CultureInfo.InvariantCulture) + " %";
        var byType = new Table().Title($"ONNX Runtime, its own profiler: time per run by operator ({profile.Runs} runs with warm-up, {Units.Ms(total)} ms in nodes)")
            .AddColumns("operator", "nodes", "ms/run", "share");
        foreach (var o in profile.Ops)
            byType.AddRow(Markup.Escape(o.Name), o.Nodes.ToString(CultureInfo.InvariantCulture), Units.Ms(o.Ms), Share(o.Ms));
        AnsiConsole.Write(byType);
        var slowest = new Table().Title($"ONNX Runtime: slowest {profile.Nodes.Length} nodes of its optimized graph").AddColumns("node", "operator", "ms/run", "share");
        foreach (var n in profile.Nodes)
            slowest.AddRow(Markup.Escape(n.Name), Markup.Escape(n.Op), Units.Ms(n.Ms), Share(n.Ms));
        AnsiConsole.Write(slowest);
    }
}
