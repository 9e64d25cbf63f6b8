using Mote.Convert.Accuracy;
using Mote.Convert.Passes;
using Mote.Convert.Quantization;
using Mote.Runtime;
using Mote.Format;

namespace Mote.Convert;

/// <summary>What <see cref="Converter.Convert"/> produced: the model ready for the <c>.mote</c> writer, and what was done to it.</summary>
public sealed record ConvertResult
{
    /// <summary>The converted model. Writing it to a <c>.mote</c> file is the writer's job (<c>Mote.Format</c>).</summary>
    public required ModelDef Model { get; init; }

    /// <summary>Import warnings and counts.</summary>
    public required ImportReport Import { get; init; }

    /// <summary>One report per pass run, in order.</summary>
    public required IReadOnlyList<PassReport> Passes { get; init; }

    /// <summary>Nodes per operator (subgraphs included), most frequent first.</summary>
    public required IReadOnlyList<KeyValuePair<OpType, int>> OpHistogram { get; init; }

    /// <summary>Total elements of all constant tensors (the model's parameters).</summary>
    public required long ParameterCount { get; init; }

    /// <summary>Total bytes of constant data.</summary>
    public required long ParameterBytes { get; init; }

    /// <summary>For a reduced-precision conversion given samples: each output of the converted model against the float model's.</summary>
    public AccuracyReport Accuracy { get; init; } = AccuracyReport.None;

    /// <summary>Import warnings (same as <see cref="ImportReport.Warnings"/>).</summary>
    public IReadOnlyList<string> Warnings => Import.Warnings;
}

/// <summary>The ONNX → Mote conversion used by <c>mote convert</c>: import, then the graph passes.</summary>
public static class Converter
{
    /// <summary>Converts the ONNX model at <paramref name="onnxPath"/>.</summary>
    /// <exception cref="OnnxImportException">The model cannot be imported (see its message).</exception>
    public static ConvertResult Convert(string onnxPath, ConvertOptions? options = null)
    {
        options ??= new ConvertOptions();
        var imported = OnnxImporter.Import(onnxPath, options);
        var reports = options.Optimize
            ? PassPipeline.CreateDefault(options.AnalysisPasses).Run(imported.Model)
            : [];
        if (options.Precision == Precision.Fp32)
            return Summarize(imported, reports);
        return ReducePrecision(imported, reports, options);
    }

    // A snapshot of the float model is the reference (and, for int8, what calibration runs); then the model itself changes
    // format, and both run on the samples.
    private static ConvertResult ReducePrecision(ImportResult imported, List<PassReport> reports, ConvertOptions options)
    {
        var model = imported.Model;
        var reference = AccuracyCheck.Snapshot(model);
        IReadOnlyList<IReadOnlyList<NamedTensor>> samples = [];
        if (options.Samples is { } makeSamples)
        {
            using var loaded = MoteModel.FromDefinition(reference);
            using var session = loaded.CreateSession();
            samples = makeSamples(session.Inputs);
        }
        IGraphPass pass;
        if (options.Precision == Precision.Int8)
        {
            if (samples.Count == 0)
                throw new MoteInputException("an int8 conversion needs calibration samples (mote convert --calibration DIR)");
            pass = new StaticQuantizer(Calibrator.Ranges(AccuracyCheck.Snapshot(model), samples, options.Calibration, options.Progress), options.KeepFloat);
        }
        else
        {
            pass = options.Precision == Precision.Int8Dynamic ? new DynamicQuantizer() : new Float16Weights();
        }
        PassReport Run(IGraphPass p)
        {
            var r = new PassReport(p.Name);
            p.Run(model, r);
            reports.Add(r);
            return r;
        }
        var report = Run(pass);
        if (pass is StaticQuantizer quantizer && options.Calibration.BiasCorrection)
            report.Count("convolutions bias-corrected", BiasCorrection.Apply(AccuracyCheck.Snapshot(reference), model, quantizer.Views, samples));
        // The large float weights an int8 rewrite leaves (embedding tables, anchors, layers kept float) are stored as float16;
        // vectors (biases, norms' scales) stay float32: they are a rounding error of the size and they are felt (MiniLM).
        var parameters = pass switch { StaticQuantizer s => s.Parameters, DynamicQuantizer d => d.Parameters, _ => null };
        if (parameters is not null)
            Run(new Float16Weights(parameters, minElements: 4096));
        // Compared before dead-node removal, so that every float activation is still there to observe (through its
        // DequantizeLinear when it was quantized).
        var candidate = samples.Count == 0 ? null : AccuracyCheck.Snapshot(model);
        Run(new RemoveDeadNodes());
        var accuracy = candidate is null ? AccuracyReport.None : AccuracyCheck.Compare(reference, candidate, samples);
        return Summarize(imported, reports) with { Accuracy = accuracy };
    }

    /// <summary>Builds the result summary (histogram, parameter count) for a model.</summary>
    public static ConvertResult Summarize(ImportResult imported, IReadOnlyList<PassReport> reports)
    {
        var model = imported.Model;
        var histogram = model.Graph.AllNodes()
            .GroupBy(n => n.Op)
            .Select(g => new KeyValuePair<OpType, int>(g.Key, g.Count()))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key.ToString(), StringComparer.Ordinal)
            .ToList();
        long count = 0, bytes = 0;
        foreach (var t in model.Tensors.Values)
            if (t.IsConstant)
            {
                count += ShapeMath.ElementCount(t.Shape) ?? 0;
                bytes += t.Data!.Value.Length;
            }
        return new ConvertResult
        {
            Model = model,
            Import = imported.Report,
            Passes = reports,
            OpHistogram = histogram,
            ParameterCount = count,
            ParameterBytes = bytes,
        };
    }
}
