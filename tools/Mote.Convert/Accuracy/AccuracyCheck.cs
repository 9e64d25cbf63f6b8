using Mote.Format;
using Mote.Runtime;

namespace Mote.Convert.Accuracy;

/// <summary>
/// Runs two versions of one model (the float model and its fp16 or int8 conversion) on the same samples and compares
/// every float output and every intermediate tensor the two share: what the converter prints at the end of a
/// reduced-precision conversion. Statistics are accumulated sample by sample, so the sample count does not bound memory.
/// </summary>
public static class AccuracyCheck
{
    /// <summary>A deep copy of <paramref name="model"/>, through the <c>.mote</c> writer and reader (so it is also a valid file).</summary>
    public static ModelDef Snapshot(ModelDef model)
    {
        var stream = new MemoryStream();
        MoteWriter.Write(model, stream);
        return MoteFile.Read(stream.GetBuffer().AsMemory(0, (int)stream.Length)).Model;
    }

    /// <summary>
    /// Compares <paramref name="candidate"/> with <paramref name="reference"/> on <paramref name="samples"/>. Both models
    /// are modified (their intermediate tensors become outputs): pass snapshots.
    /// </summary>
    public static AccuracyReport Compare(ModelDef reference, ModelDef candidate, IReadOnlyList<IReadOnlyList<NamedTensor>> samples)
    {
        if (samples.Count == 0)
            return AccuracyReport.None;
        var outputs = reference.Graph.Outputs.ToList();
        var layers = SharedLayers(reference, candidate, outputs);
        foreach (var m in new[] { reference, candidate })
            m.Graph.Outputs.AddRange(layers.Select(l => l.Tensor));

        var outStats = outputs.Select(_ => new OutputStats()).ToArray();
        var layerStats = layers.Select(_ => new LayerStats()).ToArray();
        using var refModel = MoteModel.FromDefinition(reference);
        using var candModel = MoteModel.FromDefinition(candidate);
        using var refSession = refModel.CreateSession();
        using var candSession = candModel.CreateSession();
        foreach (var sample in samples)
        {
            var expected = refSession.Run(sample);
            var actual = candSession.Run(sample);
            for (int o = 0; o < outputs.Count; o++)
                outStats[o].Add(actual[outputs[o]], expected[outputs[o]]);
            for (int l = 0; l < layers.Count; l++)
                layerStats[l].Add(actual[layers[l].Tensor].ToSingleArray(), expected[layers[l].Tensor].ToSingleArray());
        }
        var outResults = new List<OutputAccuracy>();
        for (int o = 0; o < outputs.Count; o++)
            if (outStats[o].IsFloat)
                outResults.Add(outStats[o].Result(outputs[o], samples.Count));
        var layerResults = layers.Select((l, i) => new LayerAccuracy(l.Tensor, l.Producer, layerStats[i].Sqnr, layerStats[i].MaxAbs))
            .OrderBy(l => l.SqnrDb).ToList();
        return new AccuracyReport(outResults, layerResults);
    }

    // Float outputs of top-level nodes that both models compute with the same shape, graph outputs excluded.
    private static List<(string Tensor, string Producer)> SharedLayers(ModelDef reference, ModelDef candidate, List<string> outputs)
    {
        var result = new List<(string, string)>();
        var skip = new HashSet<string>(outputs, StringComparer.Ordinal);
        var produced = candidate.Graph.Nodes.SelectMany(n => n.Outputs).ToHashSet(StringComparer.Ordinal);
        foreach (var node in reference.Graph.Nodes)
            foreach (var name in node.Outputs)
                if (name.Length > 0 && !skip.Contains(name) && produced.Contains(name) && IsFloat(reference.Tensor(name).Type)
                    && candidate.Tensors.TryGetValue(name, out var c) && IsFloat(c.Type))
                    result.Add((name, node.Op.ToString()));
        return result;
    }

    private static bool IsFloat(DataType t) => t is DataType.Float32 or DataType.Float16 or DataType.BFloat16 or DataType.Float64;

    private sealed class LayerStats
    {
        private double _signal, _noise;

        public double MaxAbs { get; private set; }

        public double Sqnr => _noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(_signal / _noise);

        public void Add(float[] actual, float[] expected)
        {
            if (actual.Length != expected.Length)
            {
                _noise = double.PositiveInfinity;
                return;
            }
            for (int i = 0; i < expected.Length; i++)
            {
                double e = expected[i], d = actual[i] - e;
                _signal += e * e;
                _noise += d * d;
                MaxAbs = Math.Max(MaxAbs, Math.Abs(d));
            }
        }
    }

    private sealed class OutputStats
    {
        private double _maxAbs, _maxRel, _minCos = 1;
        private long _rows, _agree;
        private bool _classifier = true;

        public bool IsFloat { get; private set; } = true;

        public void Add(Tensor actual, Tensor expected)
        {
            IsFloat = AccuracyCheck.IsFloat(expected.Type);
            if (!IsFloat)
                return;
            var c = Comparison.Of(actual, expected);
            _maxAbs = Math.Max(_maxAbs, c.MaxAbs);
            _maxRel = Math.Max(_maxRel, c.MaxRel);
            _minCos = Math.Min(_minCos, c.Cosine);
            if (_classifier && ClassCount(expected) is int classes && c.ShapeMatches)
            {
                var e = expected.ToSingleArray();
                var a = actual.ToSingleArray();
                for (int r = 0; r < e.Length / classes; r++, _rows++)
                    if (ArgMax(e.AsSpan(r * classes, classes)) == ArgMax(a.AsSpan(r * classes, classes)))
                        _agree++;
            }
            else
            {
                _classifier = false;
            }
        }

        public OutputAccuracy Result(string name, int samples) =>
            new(name, samples, _maxAbs, _maxRel, _minCos, _classifier && _rows > 0 ? (double)_agree / _rows : null);
    }

    // Classes per row of a classifier-shaped output: [N, C] or [N, C, 1, …, 1] with C ≥ 2; otherwise null.
    private static int? ClassCount(Tensor t)
    {
        var s = t.Shape;
        if (s.Length < 2 || s[1] < 2)
            return null;
        for (int d = 2; d < s.Length; d++)
            if (s[d] != 1)
                return null;
        return s[1];
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++)
            if (v[i] > v[best])
                best = i;
        return best;
    }
}
