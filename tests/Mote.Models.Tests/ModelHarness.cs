using Mote.Convert.Accuracy;
using Mote.Cli.Reference;
using Mote.Convert;
using Mote.Format;
using Mote.Runtime;

namespace Mote.Models.Tests;

/// <summary>
/// Converts a real ONNX model to a .mote file once per test class and runs it beside ONNX Runtime
/// on identical inputs.
/// </summary>
public sealed class ModelHarness : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mote-models-").FullName;
    private readonly Dictionary<string, (MoteModel Model, OnnxRuntimeRunner Reference)> _loaded = [];
    private readonly Dictionary<string, IReadOnlyList<KeyValuePair<OpType, int>>> _histograms = [];
    private readonly Lock _lock = new();

    /// <summary>The converted model and the ONNX Runtime reference for <paramref name="onnxPath"/> (cached).</summary>
    public (MoteModel Model, OnnxRuntimeRunner Reference) Load(string onnxPath)
    {
        lock (_lock)
        {
            if (_loaded.TryGetValue(onnxPath, out var pair))
                return pair;
            var motePath = Path.Combine(_dir, Path.GetFileNameWithoutExtension(onnxPath) + ".mote");
            var converted = Converter.Convert(onnxPath);
            _histograms[onnxPath] = converted.OpHistogram;
            MoteWriter.Write(converted.Model, motePath);
            pair = (MoteModel.Load(motePath), new OnnxRuntimeRunner(onnxPath));
            _loaded[onnxPath] = pair;
            return pair;
        }
    }

    /// <summary>Nodes per operator of the converted <paramref name="onnxPath"/> (converting it first if needed).</summary>
    public IReadOnlyDictionary<OpType, int> OpCounts(string onnxPath)
    {
        Load(onnxPath);
        lock (_lock)
            return _histograms[onnxPath].ToDictionary();
    }

    /// <summary>Runs both runtimes and returns (mote, reference) outputs by name.</summary>
    public (SessionOutputs Mote, NamedTensor[] Reference) RunBoth(string onnxPath, IReadOnlyList<NamedTensor> inputs, SessionOptions? options = null)
    {
        var (model, reference) = Load(onnxPath);
        using var session = model.CreateSession(options);
        return (session.Run(inputs), reference.Run(inputs));
    }

    /// <summary>Asserts every output agrees within <paramref name="relTolerance"/> of the reference output's scale.</summary>
    public static void AssertClose(SessionOutputs mote, NamedTensor[] reference, double relTolerance, string what)
    {
        foreach (var r in reference)
        {
            var c = Comparison.Of(mote[r.Name], r.Value);
            Xunit.Assert.True(c.ShapeMatches, $"{what}: output '{r.Name}' shape {mote[r.Name]} vs {r.Value}");
            Xunit.Assert.True(c.MaxRel <= relTolerance,
                $"{what}: output '{r.Name}' max abs err {c.MaxAbs:G3} = {c.MaxRel:G3} of the output scale (tolerance {relTolerance:G3}), cosine {c.Cosine:F7}");
        }
    }

    public void Dispose()
    {
        foreach (var (m, r) in _loaded.Values)
        {
            m.Dispose();
            r.Dispose();
        }
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}
