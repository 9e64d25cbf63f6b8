using Mote.Convert.Accuracy;
using System.CommandLine;
using System.Globalization;
using Mote.Cli.Reference;
using Mote.Convert;
using Mote.Format;
using Mote.Runtime;
using Spectre.Console;

namespace Mote.Cli.Commands;

/// <summary><c>mote verify IN.onnx [MODEL.mote] [--input NAME=FILE …]</c>: Mote against ONNX Runtime on the same inputs.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var onnx = new Argument<string>("onnx") { Description = "The ONNX model (run by ONNX Runtime as the reference)." };
        var mote = new Argument<string?>("mote") { Description = "The .mote model to check (default: convert the ONNX model now).", Arity = ArgumentArity.ZeroOrOne };
        var tolerance = new Option<double>("--tolerance")
        {
            Description = "Largest accepted |mote - reference| relative to the reference output's largest magnitude.",
            DefaultValueFactory = _ => 1e-4,
        };
        var minCosine = new Option<double>("--min-cosine")
        {
            Description = "Smallest accepted cosine similarity per output.",
            DefaultValueFactory = _ => 0.9999,
        };
        var atol = new Option<double>("--atol")
        {
            Description = "An output whose largest |mote - reference| is at most this passes whatever its scale (outputs that are all near zero, e.g. a detector's scores on noise).",
            DefaultValueFactory = _ => 1e-6,
        };
        var threads = CliOptions.Threads();
        var cmd = new Command("verify", "Run ONNX Runtime and Mote on the same inputs (random if none given) and compare every output.")
        {
            onnx, mote, tolerance, minCosine, atol, threads,
        };
        var inputs = new InputOptionSet(cmd, randomOption: false);
        CommandRunner.SetAction(cmd, parse =>
        {
            var onnxPath = parse.GetValue(onnx)!;
            var motePath = parse.GetValue(mote);
            string? temp = null;
            if (motePath is null)
            {
                temp = Path.Combine(Path.GetTempPath(), $"mote-verify-{Environment.ProcessId}-{Guid.NewGuid():N}.mote");
                MoteWriter.Write(Converter.Convert(onnxPath).Model, temp);
                motePath = temp;
            }
            try
            {
                var limits = new Limits(parse.GetValue(tolerance), parse.GetValue(minCosine), parse.GetValue(atol));
                return Verify(onnxPath, motePath, temp is null, parse, inputs, parse.GetValue(threads), limits);
            }
            finally
            {
                if (temp is not null)
                    File.Delete(temp);
            }
        });
        return cmd;
    }

    private sealed record Limits(double Tolerance, double MinCosine, double Atol);

    private static int Verify(string onnxPath, string motePath, bool userMote, ParseResult parse, InputOptionSet inputs, int threads, Limits limits)
    {
        using var model = MoteModel.Load(motePath);
        using var session = model.CreateSession(new SessionOptions { Threads = threads });
        var feeds = inputs.Build(parse, session.Inputs);
        var actual = inputs.Run(parse, session.Inputs, "Mote", () => session.Run(feeds));
        using var reference = inputs.Run(parse, session.Inputs, "ONNX Runtime", () => new OnnxRuntimeRunner(onnxPath, threads));
        var expected = inputs.Run(parse, session.Inputs, "ONNX Runtime", () => reference.Run(feeds));

        var table = new Table().AddColumns("output", "shape", "max abs err", "max rel err", "cosine", "");
        bool ok = true;
        foreach (var exp in expected)
        {
            var act = actual.FirstOrDefault(a => a.Name == exp.Name)?.Value
                ?? throw new MoteException($"Mote produced no output named '{exp.Name}'");
            var c = Comparison.Of(act, exp.Value);
            bool pass = c.ShapeMatches && (c.MaxAbs <= limits.Atol || (c.MaxRel <= limits.Tolerance && c.Cosine >= limits.MinCosine));
            ok &= pass;
            table.AddRow(Markup.Escape(exp.Name), Markup.Escape(c.ShapeMatches ? exp.Value.ToString() : $"{act} vs {exp.Value}"),
                Fmt(c.MaxAbs), Fmt(c.MaxRel), c.Cosine.ToString("F7", CultureInfo.InvariantCulture), pass ? "[green]ok[/]" : "[red]MISMATCH[/]");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"tolerance: max rel err ≤ {limits.Tolerance:G3} and cosine ≥ {limits.MinCosine}, or max abs err ≤ {limits.Atol:G3}");
        if (!ok)
        {
            string what = userMote ? Path.GetFileName(motePath) : $"the conversion of {Path.GetFileName(onnxPath)}";
            Console.Error.WriteLine($"mote: error: {what} differs from ONNX Runtime on {Path.GetFileName(onnxPath)} beyond tolerance");
        }
        return ok ? CommandRunner.Ok : CommandRunner.Mismatch;
    }

    private static string Fmt(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
