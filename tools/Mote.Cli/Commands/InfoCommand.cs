using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Mote.Format;
using Mote.Kernels;
using Mote.Runtime;
using Spectre.Console;

namespace Mote.Cli.Commands;

/// <summary><c>mote info MODEL.mote [--json]</c> and <c>mote info --cpu</c>.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var model = new Argument<string?>("model") { Description = "The .mote model to describe.", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var cpu = new Option<bool>("--cpu") { Description = "Show this CPU's features and the kernel variants this binary selects." };
        var dims = CliOptions.Dims();
        var cmd = new Command("info", "Describe a .mote model: inputs, outputs, operators, parameters, memory plan.") { model, json, cpu, dims };
        CommandRunner.SetAction(cmd, parse =>
        {
            var path = parse.GetValue(model);
            bool asJson = parse.GetValue(json);
            var features = CpuFeatures.Detect();
            var kernels = KernelSet.Create(features).Describe();
            if (path is null)
            {
                if (!parse.GetValue(cpu))
                    throw new MoteInputException("give a .mote model, or --cpu");
                if (asJson)
                    WriteJson(w => WriteCpu(w, features, kernels));
                else
                    PrintCpu(features, kernels);
                return CommandRunner.Ok;
            }
            using var m = MoteModel.Load(path);
            using var session = m.CreateSession();
            var shapes = Inputs.InputSet.ParseDims(parse.GetValue(dims));
            var planShapes = session.Inputs.ToDictionary(i => i.Name,
                i => i.Shape.Select(d => d.IsFixed ? (int)d.Value : shapes.GetValueOrDefault(d.Symbol!, 1)).ToArray());
            PlanSummary? plan;
            string? planError = null;
            try
            {
                plan = session.PlanFor(planShapes);
            }
            catch (MoteException e) when (e is MoteShapeException or MoteNotSupportedException)
            {
                // Symbolic dimensions default to 1, which some models (pooling, fixed strides) cannot take.
                plan = null;
                planError = $"{e.Message}; give symbolic dimensions with --dim NAME=VALUE";
            }
            if (asJson)
                WriteJson(w =>
                {
                    WriteModel(w, m, plan, planError);
                    if (parse.GetValue(cpu))
                    {
                        w.WritePropertyName("cpu");
                        w.WriteStartObject();
                        WriteCpu(w, features, kernels);
                        w.WriteEndObject();
                    }
                });
            else
            {
                PrintModel(path, m, plan, planError);
                if (parse.GetValue(cpu))
                    PrintCpu(features, kernels);
            }
            return CommandRunner.Ok;
        });
        return cmd;
    }

    private static void PrintModel(string path, MoteModel m, PlanSummary? plan, string? planError)
    {
        var meta = m.Metadata;
        AnsiConsole.MarkupLineInterpolated($"[bold]{path}[/]: .mote format {m.FormatVersion}, {Units.Bytes(m.FileLength)}");
        AnsiConsole.MarkupLineInterpolated($"producer: {meta.Producer} {meta.ProducerVersion}; source sha256: {System.Convert.ToHexStringLower(meta.SourceSha256)}");
        AnsiConsole.MarkupLineInterpolated($"opsets: {string.Join(", ", meta.Opsets.Select(o => $"{(o.Domain.Length == 0 ? "ai.onnx" : o.Domain)} {o.Version}"))}");
        var io = new Table().AddColumns("", "name", "type", "shape");
        foreach (var i in m.Inputs)
            io.AddRow("input", Markup.Escape(i.Name), i.Type.ShortName(), Markup.Escape(Dim.Format(i.Shape)));
        foreach (var o in m.Outputs)
            io.AddRow("output", Markup.Escape(o.Name), o.Type.ShortName(), Markup.Escape(Dim.Format(o.Shape)));
        AnsiConsole.Write(io);
        var ops = new Table().AddColumns("operator", "nodes");
        foreach (var (op, n) in m.OperatorCounts.OrderByDescending(p => p.Value))
            ops.AddRow(op.ToString(), n.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(ops);
        var ps = new Table().AddColumns("parameters", "elements", "bytes");
        foreach (var (t, (count, bytes)) in m.ParametersByType)
            ps.AddRow(t.ShortName(), count.ToString("N0", CultureInfo.InvariantCulture), Units.Bytes(bytes));
        AnsiConsole.Write(ps);
        if (plan is null)
            AnsiConsole.MarkupLineInterpolated($"arena: [yellow]not planned[/]: {planError}");
        else
            AnsiConsole.MarkupLineInterpolated($"arena: [bold]{Units.Bytes(plan.ArenaBytes)}[/] + scratch {Units.Bytes(plan.ScratchBytes)} for inputs {plan.Describe()}; {plan.ExecutedNodes} nodes run, {plan.PrecomputedNodes} precomputed while planning");
    }

    private static void PrintCpu(CpuFeatures features, IReadOnlyList<(string Family, string Variant)> kernels)
    {
        AnsiConsole.MarkupLineInterpolated($"cpu: {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, features: [bold]{features}[/]");
        var t = new Table().AddColumns("kernel family", "variant");
        foreach (var (family, variant) in kernels)
            t.AddRow(family, variant);
        AnsiConsole.Write(t);
    }

    private static void WriteModel(Utf8JsonWriter w, MoteModel m, PlanSummary? plan, string? planError)
    {
        w.WriteString("format_version", m.FormatVersion);
        w.WriteNumber("file_bytes", m.FileLength);
        w.WriteString("producer", m.Metadata.Producer);
        w.WriteString("producer_version", m.Metadata.ProducerVersion);
        w.WriteString("source_sha256", System.Convert.ToHexStringLower(m.Metadata.SourceSha256));
        w.WriteStartArray("opsets");
        foreach (var o in m.Metadata.Opsets)
        {
            w.WriteStartObject();
            w.WriteString("domain", o.Domain);
            w.WriteNumber("version", o.Version);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteTensors(w, "inputs", m.Inputs);
        WriteTensors(w, "outputs", m.Outputs);
        w.WriteStartObject("operators");
        foreach (var (op, n) in m.OperatorCounts.OrderByDescending(p => p.Value))
            w.WriteNumber(op.ToString(), n);
        w.WriteEndObject();
        w.WriteStartObject("parameter_bytes");
        foreach (var (t, (_, bytes)) in m.ParametersByType)
            w.WriteNumber(t.ShortName(), bytes);
        w.WriteEndObject();
        if (plan is null)
        {
            w.WriteNull("arena_bytes");
            w.WriteString("plan_error", planError);
        }
        else
        {
            w.WriteNumber("arena_bytes", plan.ArenaBytes);
            w.WriteNumber("scratch_bytes", plan.ScratchBytes);
        }
    }

    private static void WriteTensors(Utf8JsonWriter w, string name, IReadOnlyList<TensorInfo> tensors)
    {
        w.WriteStartArray(name);
        foreach (var t in tensors)
        {
            w.WriteStartObject();
            w.WriteString("name", t.Name);
            w.WriteString("type", t.Type.ShortName());
            w.WriteStartArray("shape");
            foreach (var d in t.Shape)
            {
                if (d.IsFixed)
                    w.WriteNumberValue(d.Value);
                else
                    w.WriteStringValue(d.Symbol);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteCpu(Utf8JsonWriter w, CpuFeatures features, IReadOnlyList<(string Family, string Variant)> kernels)
    {
        w.WriteString("architecture", System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString());
        w.WriteString("features", features.ToString());
        w.WriteStartObject("kernels");
        foreach (var (family, variant) in kernels)
            w.WriteString(family, variant);
        w.WriteEndObject();
    }

    internal static void WriteJson(Action<Utf8JsonWriter> body)
    {
        using var stdout = Console.OpenStandardOutput();
        using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
        w.Flush();
        stdout.Write("\n"u8);
    }
}
