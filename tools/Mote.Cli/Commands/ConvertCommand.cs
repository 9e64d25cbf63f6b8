using System.CommandLine;
using System.Diagnostics;
using Mote.Cli.Inputs;
using Mote.Convert;
using Mote.Convert.Accuracy;
using Mote.Convert.Quantization;
using Mote.Format;
using Mote.Runtime;
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
        var precision = new Option<string>("--precision")
        {
            Description = "fp32 (weights as the model has them), fp16 (float weights stored as float16: half the file) or int8 " +
                "(convolutions on 8-bit activations and weights; needs --calibration) or int8-dynamic (MatMul weights in int8, activations " +
                "quantized at run time: transformers).",
            DefaultValueFactory = _ => "fp32",
        };
        precision.AcceptOnlyFromAmong("fp32", "fp16", "int8", "int8-dynamic");
        var method = new Option<string>("--calibration-method")
        {
            Description = "int8: how activation ranges are chosen from the samples: minmax, percentile (99.999 % of |x|) or entropy (KL).",
            DefaultValueFactory = _ => "percentile",
        };
        method.AcceptOnlyFromAmong("minmax", "percentile", "entropy");
        var percentile = new Option<double>("--calibration-percentile")
        {
            Description = "int8, percentile method: the percentage of nonzero |x| values each activation range holds.",
            DefaultValueFactory = _ => 99.999,
        };
        var calibration = new Option<string?>("--calibration")
        {
            Description = "Folder of real inputs: one subfolder per sample with INPUT.npy (or .pb, or an image) per model input, " +
                "or images for a one-input model. Used to report the accuracy of a reduced precision (default: one random sample).",
        };
        var biasCorrection = new Option<bool>("--bias-correction")
        {
            Description = "int8: move each convolution's bias by its channels' mean error measured on the samples.",
        };
        var keepFloat = new Option<string[]>("--keep-float")
        {
            Description = "int8: a node (by name or output tensor) to leave in float; repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        var layers = new Option<int>("--report-layers")
        {
            Description = "How many of the least accurate layers the accuracy report lists (0: none).",
            DefaultValueFactory = _ => 10,
        };
        var cmd = new Command("convert", "Convert an ONNX model to a .mote file.") { input, output, noOptimize, precision, calibration, method, percentile, biasCorrection, keepFloat, layers };
        var inputs = new InputOptionSet(cmd, randomOption: false, inputOption: false);
        CommandRunner.SetAction(cmd, parse =>
        {
            var src = parse.GetValue(input)!;
            var dst = parse.GetValue(output) ?? Path.ChangeExtension(src, ".mote");
            var dir = parse.GetValue(calibration);
            var clock = Stopwatch.StartNew();
            var options = new ConvertOptions
            {
                Optimize = !parse.GetValue(noOptimize),
                Precision = parse.GetValue(precision) switch
                {
                    "fp16" => Precision.Fp16, "int8" => Precision.Int8, "int8-dynamic" => Precision.Int8Dynamic, _ => Precision.Fp32,
                },
                Calibration = new CalibrationOptions
                {
                    Method = parse.GetValue(method) switch { "minmax" => CalibrationMethod.MinMax, "entropy" => CalibrationMethod.Entropy, _ => CalibrationMethod.Percentile },
                    Percentile = parse.GetValue(percentile) is > 0 and <= 100 and var pc ? pc / 100
                        : throw new MoteInputException($"--calibration-percentile {parse.GetValue(percentile)}: expected a percentage in (0, 100]"),
                    BiasCorrection = parse.GetValue(biasCorrection),
                },
                Progress = CalibrationProgress.Report,
                KeepFloat = (parse.GetValue(keepFloat) ?? []).ToHashSet(StringComparer.Ordinal),
                // Without real samples, fp16's and int8-dynamic's accuracy is still worth a look on random data; int8 ranges are not.
                Samples = modelInputs => dir is not null
                    ? CalibrationSet.Load(dir, modelInputs, inputs.Dims(parse), inputs.Image(parse))
                    : parse.GetValue(precision) == "int8"
                        ? throw new MoteInputException("--precision int8 needs --calibration DIR: real inputs to choose the activation ranges from")
                        : [InputSet.Build(modelInputs, null, inputs.Dims(parse), random: true, inputs.Seed(parse), inputs.Image(parse))],
            };
            var result = Converter.Convert(src, options);
            MoteWriter.Write(result.Model, dst);
            clock.Stop();
            Print(src, dst, result, clock.Elapsed);
            PrintAccuracy(result.Accuracy, dir is null ? $"one random sample (seed {inputs.Seed(parse)})" : $"{dir}", parse.GetValue(layers));
            return CommandRunner.Ok;
        });
        return cmd;
    }

    private static void PrintAccuracy(AccuracyReport accuracy, string samples, int layers)
    {
        if (accuracy.Outputs.Count == 0)
            return;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var table = new Table().Title($"accuracy against the float model on {Markup.Escape(samples)}")
            .AddColumns("output", "samples", "max abs err", "max rel err", "min cosine", "top-1 agreement");
        foreach (var a in accuracy.Outputs)
            table.AddRow(Markup.Escape(a.Name), a.Samples.ToString(inv), a.MaxAbs.ToString("G3", inv), a.MaxRel.ToString("G3", inv),
                a.MinCosine.ToString("F6", inv), a.Top1Agreement is { } t ? t.ToString("P1", inv) : "-");
        AnsiConsole.Write(table);
        if (accuracy.Layers.Count == 0 || layers <= 0)
            return;
        var worst = new Table().Title($"worst {Math.Min(layers, accuracy.Layers.Count)} of {accuracy.Layers.Count} layers by SQNR")
            .AddColumns("tensor", "operator", "SQNR dB", "max abs err");
        foreach (var l in accuracy.Layers.Take(layers))
            worst.AddRow(Markup.Escape(l.Tensor), l.Producer, l.SqnrDb.ToString("F1", inv), l.MaxAbs.ToString("G3", inv));
        AnsiConsole.Write(worst);
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
