using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mote.Cli.Reference;
using Mote.Runtime;
using Spectre.Console;

namespace Mote.Cli.Commands;

/// <summary>
/// <c>mote bench MODEL.mote [--threads N] [--vs-onnxruntime IN.onnx] [--json]</c>. ONNX Runtime is
/// measured in a child process right after Mote, so each peak-memory figure is that runtime's alone.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The .mote model (or, with --engine onnxruntime, the ONNX model)." };
        var threads = CliOptions.Threads();
        var vsOrt = new Option<string>("--vs-onnxruntime") { Description = "Also benchmark this ONNX model with ONNX Runtime and print the ratio." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs first.", DefaultValueFactory = _ => 5 };
        var runs = new Option<int>("--runs") { Description = "Timed runs (at least; more are added until --min-seconds have passed).", DefaultValueFactory = _ => 30 };
        var minSeconds = new Option<double>("--min-seconds") { Description = "Keep running until this much time was measured.", DefaultValueFactory = _ => 2.0 };
        var profile = new Option<bool>("--profile") { Description = "Also print where Mote's time goes: per operator type and the slowest nodes (with --vs-onnxruntime, ONNX Runtime's too, from its own profiler)." };
        var engine = new Option<string>("--engine") { Description = "Which runtime to measure in this process: mote or onnxruntime.", DefaultValueFactory = _ => "mote", Hidden = true };
        var cmd = new Command("bench", "Measure latency, throughput and peak memory of a model.") { model, threads, vsOrt, json, warmup, runs, minSeconds, profile, engine };
        var inputs = new InputOptionSet(cmd, randomOption: false);
        CommandRunner.SetAction(cmd, parse =>
        {
            var settings = new BenchSettings(parse.GetValue(threads), parse.GetValue(warmup), parse.GetValue(runs), parse.GetValue(minSeconds), parse.GetValue(profile));
            var path = parse.GetValue(model)!;
            BenchResult mine;
            if (parse.GetValue(engine) == "onnxruntime")
            {
                mine = MeasureOnnxRuntime(path, parse, inputs, settings);
                EmitJson(mine, null);
                return CommandRunner.Ok;
            }
            mine = MeasureMote(path, parse, inputs, settings, out var timings);
            BenchResult? other = parse.GetValue(vsOrt) is { } onnx ? RunChild(onnx, parse, inputs, settings) : null;
            if (parse.GetValue(json))
                EmitJson(mine, other);
            else
                Print(path, settings, mine, other);
            if (timings is not null && !parse.GetValue(json))
                ProfileReport.Print(timings);
            if (other?.Profile is { } ortProfile && !parse.GetValue(json))
                ProfileReport.Print(ortProfile);
            return CommandRunner.Ok;
        });
        return cmd;
    }

    private sealed record BenchSettings(int Threads, int Warmup, int Runs, double MinSeconds, bool Profile);

    private static BenchResult MeasureMote(string path, ParseResult parse, InputOptionSet inputs, BenchSettings s, out SessionProfile? profile)
    {
        using var model = MoteModel.Load(path);
        using var session = model.CreateSession(new SessionOptions { Threads = s.Threads, EnableProfiling = s.Profile });
        profile = session.Profile;
        var feeds = inputs.Build(parse, session.Inputs);
        return inputs.Run(parse, session.Inputs, "Mote", () =>
        {
            // Outputs made once and reused, as an application running a model repeatedly would: the timing is the inference.
            var outputs = session.Run(feeds).ToArray();
            return BenchResult.Measure("mote", () => session.RunInto(feeds, outputs), s.Warmup, s.Runs, s.MinSeconds,
                warmedUp: session.Profile is { } p ? p.Reset : null);
        });
    }

    private static BenchResult MeasureOnnxRuntime(string path, ParseResult parse, InputOptionSet inputs, BenchSettings s)
    {
        string? prefix = s.Profile ? Path.Combine(Path.GetTempPath(), $"mote-ort-profile-{Environment.ProcessId}") : null;
        using var ort = new OnnxRuntimeRunner(path, s.Threads, prefix);
        var feeds = inputs.Build(parse, ort.Inputs);
        var result = inputs.Run(parse, ort.Inputs, "ONNX Runtime", () =>
        {
            // Input and output tensors made once, as for Mote.
            using var bound = ort.Bind(feeds);
            return BenchResult.Measure("onnxruntime", bound.Run, s.Warmup, s.Runs, s.MinSeconds);
        });
        if (prefix is null)
            return result;
        string trace = ort.EndProfiling();
        try
        {
            return result with { Profile = OnnxRuntimeProfile.Read(trace) };
        }
        finally
        {
            File.Delete(trace);
        }
    }

    /// <summary>Runs this program again as <c>bench --engine onnxruntime</c> and reads its JSON.</summary>
    private static BenchResult RunChild(string onnx, ParseResult parse, InputOptionSet inputs, BenchSettings s)
    {
        var (exe, prefix) = SelfCommand();
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in prefix)
            psi.ArgumentList.Add(a);
        foreach (var a in new[] { "bench", onnx, "--engine", "onnxruntime", "--threads", s.Threads.ToString(CultureInfo.InvariantCulture),
                     "--warmup", s.Warmup.ToString(CultureInfo.InvariantCulture), "--runs", s.Runs.ToString(CultureInfo.InvariantCulture),
                     "--min-seconds", s.MinSeconds.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        if (s.Profile)
            psi.ArgumentList.Add("--profile");
        // The same input options, so both runtimes see identical inputs.
        foreach (var a in inputs.ToArguments(parse))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new IOException($"cannot start {exe}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new IOException($"ONNX Runtime benchmark failed: {stderr.Result.Trim()}");
        return BenchResult.FromJson(stdout.Result);
    }

    private static (string Exe, string[] Prefix) SelfCommand()
    {
        var exe = Environment.ProcessPath ?? throw new IOException("cannot locate the mote executable");
        // Under 'dotnet mote.dll' the process is the host; re-run the same assembly through it.
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
            return (exe, [Path.Combine(AppContext.BaseDirectory, "mote.dll")]);
        return (exe, []);
    }

    private static void Print(string path, BenchSettings s, BenchResult mote, BenchResult? ort)
    {
        var t = new Table().Title($"{Path.GetFileName(path)}, {s.Threads} thread{(s.Threads > 1 ? "s" : "")}")
            .AddColumns("runtime", "runs", "min ms", "p50 ms", "p90 ms", "runs/s", "peak RSS");
        foreach (var r in ort is null ? [mote] : new[] { mote, ort })
            t.AddRow(r.Engine, r.Runs.ToString(CultureInfo.InvariantCulture), Units.Ms(r.MinMs), Units.Ms(r.P50Ms), Units.Ms(r.P90Ms),
                r.Throughput.ToString("F1", CultureInfo.InvariantCulture), $"{r.PeakRssMb:F1} MB");
        AnsiConsole.Write(t);
        if (ort is not null)
            AnsiConsole.MarkupLineInterpolated($"p50 ratio mote/onnxruntime: [bold]{mote.P50Ms / ort.P50Ms:F2}[/] ({(mote.P50Ms <= ort.P50Ms ? "mote faster or equal" : "onnxruntime faster")}); peak RSS ratio {mote.PeakRssMb / ort.PeakRssMb:F2}");
    }

    private static void EmitJson(BenchResult mote, BenchResult? ort) => InfoCommand.WriteJson(w =>
    {
        mote.Write(w);
        if (ort is not null)
        {
            w.WritePropertyName("onnxruntime");
            w.WriteStartObject();
            ort.Write(w);
            w.WriteEndObject();
            w.WriteNumber("p50_ratio", mote.P50Ms / ort.P50Ms);
        }
    });
}

/// <summary>Latency statistics of one runtime on one model.</summary>
internal sealed record BenchResult(string Engine, int Runs, double MinMs, double P50Ms, double P90Ms, double MeanMs, double PeakRssMb)
{
    public double Throughput => 1000.0 / MeanMs;

    /// <summary>ONNX Runtime's own per-node profile, when asked for.</summary>
    public OnnxRuntimeProfile? Profile { get; init; }

    public static BenchResult Measure(string engine, Action run, int warmup, int runs, double minSeconds, Action? warmedUp = null)
    {
        for (int i = 0; i < warmup; i++)
            run();
        warmedUp?.Invoke();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < runs || total.Elapsed.TotalSeconds < minSeconds)
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (times.Count >= 100_000)
                break;
        }
        times.Sort();
        double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Round(q * (times.Count - 1)))];
        return new BenchResult(engine, times.Count, times[0], P(0.5), P(0.9), times.Average(), PeakRss.Megabytes());
    }

    public void Write(Utf8JsonWriter w)
    {
        w.WriteString("engine", Engine);
        w.WriteNumber("runs", Runs);
        w.WriteNumber("min_ms", MinMs);
        w.WriteNumber("p50_ms", P50Ms);
        w.WriteNumber("p90_ms", P90Ms);
        w.WriteNumber("mean_ms", MeanMs);
        w.WriteNumber("throughput_per_s", Throughput);
        w.WriteNumber("peak_rss_mb", PeakRssMb);
        Profile?.Write(w);
    }

    public static BenchResult FromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        return new BenchResult(r.GetProperty("engine").GetString()!, r.GetProperty("runs").GetInt32(), r.GetProperty("min_ms").GetDouble(),
            r.GetProperty("p50_ms").GetDouble(), r.GetProperty("p90_ms").GetDouble(), r.GetProperty("mean_ms").GetDouble(), r.GetProperty("peak_rss_mb").GetDouble())
        {
            Profile = OnnxRuntimeProfile.FromJson(r),
        };
    }
}
