using System.Globalization;
using Mote.Runtime;
using Spectre.Console;

namespace Mote.Cli.Commands;

/// <summary>Prints a <see cref="SessionProfile"/>: time per operator type, then the slowest nodes, per run.</summary>
internal static class ProfileReport
{
    private const int SlowestNodes = 20;

    private static string Shape(int[] s) => Markup.Escape("[" + string.Join(",", s) + "]");

    public static void Print(SessionProfile profile)
    {
        var nodes = profile.Nodes;
        long runs = Math.Max(1, profile.Runs);
        double total = nodes.Sum(n => n.Total.TotalMilliseconds);
        if (total <= 0)
            return;
        string Ms(TimeSpan t) => Units.Ms(t.TotalMilliseconds / runs);
        string Share(double ms) => (100 * ms / total).ToString("F1", CultureInfo.InvariantCulture) + " %";

        var byType = new Table().Title($"time per run by operator ({runs} runs, {Units.Ms(total / runs)} ms in nodes)")
            .AddColumns("operator", "nodes", "ms/run", "share");
        foreach (var g in nodes.GroupBy(n => n.OpType).Select(g => (Op: g.Key, Count: g.Count(), Ms: g.Sum(n => n.Total.TotalMilliseconds)))
                     .OrderByDescending(g => g.Ms))
            byType.AddRow(Markup.Escape(g.Op), g.Count.ToString(CultureInfo.InvariantCulture), Units.Ms(g.Ms / runs), Share(g.Ms));
        AnsiConsole.Write(byType);

        var slowest = new Table().Title($"slowest {Math.Min(SlowestNodes, nodes.Count)} nodes").AddColumns("node", "operator", "inputs", "output", "ms/run", "share");
        foreach (var n in nodes.OrderByDescending(n => n.Total).Take(SlowestNodes))
            slowest.AddRow(Markup.Escape(n.Name), Markup.Escape(n.OpType), string.Join(" ", n.InputShapes.Where(s => s.Length > 0).Select(Shape)), Shape(n.OutputShape), Ms(n.Total), Share(n.Total.TotalMilliseconds));
        AnsiConsole.Write(slowest);
    }
}
