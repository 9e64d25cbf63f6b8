using System.CommandLine;
using System.Diagnostics;
using Mote.Convert;
using Mote.Format;
using Spectre.Console;

namespace Mote.Cli.Commands;

/// <summary><c>mote convert IN.onnx -o OUT.mote</c>.</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("model") { Description = "The ONNX model to convert." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the .mote file (default: next to the input).", };
        var noOptimize = new Option<bool>("--no-optimize") { Description = "Skip the graph passes (folding, fusion)." };
        var cmd = new Command("convert", "Convert an ONNX model to a .mote file.") { input, output, noOptimize };
        CommandRunner.SetAction(cmd, parse =>
        {
            var src = parse.GetValue(input)!;
            var dst = parse.GetValue(output) ?? Path.ChangeExtension(src, ".mote");
            var clock = Stopwatch.StartNew();
            var result = Converter.Convert(src, new ConvertOptions { Optimize = !parse.GetValue(noOptimize) });
            MoteWriter.Write(result.Model, dst);
            clock.Stop();
            Print(src, dst, result, clock.Elapsed);
            return CommandRunner.Ok;
        });
        return cmd;
    }

    private static void Print(string src, string dst, ConvertResult result, TimeSpan elapsed)
    {
        var console = AnsiConsole.Console;
        foreach (var w in result.Warnings)
            console.MarkupLineInterpolated($"[yellow]warning:[/] {w}");
        if (result.Passes.Count > 0)
        {
            var passes = new Table().Title("passes").AddColumns("pass", "changes");
            foreach (var p in result.Passes)
                passes.AddRow(Markup.Escape(p.Pass), Markup.Escape(p.Changed
                    ? string.Join(", ", p.Counts.Where(c => c.Value > 0).Select(c => $"{c.Value} {c.Key}"))
                    : "no change"));
            console.Write(passes);
        }
        var ops = new Table().Title("operators").AddColumn("operator").AddColumn(new TableColumn("nodes").RightAligned());
        foreach (var (op, count) in result.OpHistogram)
            ops.AddRow(op.ToString(), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        console.Write(ops);
        long fileSize = new FileInfo(dst).Length;
        console.MarkupLineInterpolated($"parameters: [bold]{result.ParameterCount:N0}[/] ({Units.Bytes(result.ParameterBytes)}), nodes: {result.OpHistogram.Sum(p => p.Value)}");
        console.MarkupLineInterpolated($"wrote [bold]{dst}[/] ({Units.Bytes(fileSize)}) from {src} in {elapsed.TotalSeconds:F2} s");
    }
}
