using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mote.Cli.Inputs;
using Mote.Cli.Npy;
using Mote.Format;
using Mote.Runtime;
using Spectre.Console;

namespace Mote.Cli.Commands;

/// <summary><c>mote run MODEL.mote --input NAME=FILE … --output-dir DIR</c>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The .mote model to run." };
        var outputDir = new Option<string>("--output-dir", "-o") { Description = "Write each output as OUTPUTNAME.npy into this directory." };
        var top = new Option<int>("--top") { Description = "Print the K largest values of each float output with their indices (classification)." };
        var labels = new Option<string>("--labels") { Description = "Label file for --top: one label per line, or 'index,label' lines." };
        var threads = CliOptions.Threads();
        var cmd = new Command("run", "Run a .mote model on inputs from .npy files or images.") { model, outputDir, top, labels, threads };
        var inputs = new InputOptionSet(cmd, randomOption: true);
        CommandRunner.SetAction(cmd, parse =>
        {
            using var m = MoteModel.Load(parse.GetValue(model)!);
            using var session = m.CreateSession(new SessionOptions { Threads = parse.GetValue(threads) });
            var feeds = inputs.Build(parse, session.Inputs);
            var clock = Stopwatch.StartNew();
            var outputs = inputs.Run(parse, session.Inputs, "Mote", () => session.Run(feeds));
            clock.Stop();
            var dir = parse.GetValue(outputDir);
            if (dir is not null)
                Directory.CreateDirectory(dir);
            var labelMap = parse.GetValue(labels) is { } lp ? Labels.Load(lp) : null;
            foreach (var (name, tensor) in outputs)
            {
                string file = "";
                if (dir is not null)
                {
                    file = Path.Combine(dir, SafeFileName(name) + ".npy");
                    NpyFile.Write(file, tensor);
                }
                AnsiConsole.MarkupLineInterpolated($"[bold]{name}[/]: {tensor}{(file.Length > 0 ? $" -> {file}" : "")}");
                if (parse.GetValue(top) is > 0 and var k && tensor.Type.IsFloat())
                    PrintTop(tensor, k, labelMap);
            }
            AnsiConsole.MarkupLineInterpolated($"[grey]run: {clock.Elapsed.TotalMilliseconds:F2} ms (first run, includes planning)[/]");
            return CommandRunner.Ok;
        });
        return cmd;
    }

    private static void PrintTop(Tensor t, int k, Dictionary<int, string>? labels)
    {
        var v = t.ToSingleArray();
        var table = new Table().AddColumns("rank", "index", "value", "label");
        foreach (var (idx, rank) in Enumerable.Range(0, v.Length).OrderByDescending(i => v[i]).Take(k).Select((i, r) => (i, r)))
            table.AddRow((rank + 1).ToString(CultureInfo.InvariantCulture), idx.ToString(CultureInfo.InvariantCulture),
                v[idx].ToString("G6", CultureInfo.InvariantCulture), Markup.Escape(labels?.GetValueOrDefault(idx) ?? ""));
        AnsiConsole.Write(table);
    }

    /// <summary>Output names may contain '/' or ':' (TensorFlow exports); keep file names flat.</summary>
    private static string SafeFileName(string name)
    {
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_').ToArray();
        return new string(chars);
    }
}
