using Mote.Format;
using Mote.Runtime;

namespace Mote.Convert.Quantization;

/// <summary>
/// Runs the float model on the calibration samples with every activation of its top-level graph exposed, and chooses
/// each activation's range (<see cref="CalibrationMethod"/>). Two passes for the histogram methods: the first finds
/// each tensor's largest |x|, the second fills histograms over it. Memory does not grow with the sample count.
/// </summary>
public static class Calibrator
{
    /// <summary>
    /// The range of every float activation (graph inputs and node outputs of the top-level graph) over
    /// <paramref name="samples"/>. <paramref name="model"/> is modified (its activations become outputs): pass a snapshot.
    /// </summary>
    /// <param name="progress">Called with (samples done, samples in all) after each run of either pass.</param>
    public static Dictionary<string, TensorRange> Ranges(ModelDef model, IReadOnlyList<IReadOnlyList<NamedTensor>> samples,
        CalibrationOptions options, Action<int, int>? progress = null)
    {
        if (samples.Count == 0)
            throw new ArgumentException("calibration needs at least one sample", nameof(samples));
        var names = Activations(model);
        foreach (var n in names)
            if (!model.Graph.Outputs.Contains(n))
                model.Graph.Outputs.Add(n);
        using var loaded = MoteModel.FromDefinition(model);
        using var session = loaded.CreateSession();
        bool histogram = options.Method != CalibrationMethod.MinMax;
        int passes = histogram ? 2 : 1, done = 0;

        var min = names.ToDictionary(n => n, _ => float.PositiveInfinity, StringComparer.Ordinal);
        var max = names.ToDictionary(n => n, _ => float.NegativeInfinity, StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            var outputs = session.Run(sample);
            foreach (var n in names)
            {
                var v = outputs[n].ToSingleArray();
                if (v.Length == 0)
                    continue;
                min[n] = Math.Min(min[n], System.Numerics.Tensors.TensorPrimitives.Min(v));
                max[n] = Math.Max(max[n], System.Numerics.Tensors.TensorPrimitives.Max(v));
            }
            progress?.Invoke(++done, passes * samples.Count);
        }
        var ranges = new Dictionary<string, TensorRange>(StringComparer.Ordinal);
        foreach (var n in names)
            if (float.IsFinite(min[n]) && float.IsFinite(max[n]))
                ranges[n] = new TensorRange(min[n], max[n]);
        if (!histogram)
            return ranges;

        var histograms = ranges.ToDictionary(p => p.Key, p => new AbsHistogram(options.Bins, Math.Max(-p.Value.Min, p.Value.Max)), StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            var outputs = session.Run(sample);
            foreach (var (n, h) in histograms)
                h.Add(outputs[n].ToSingleArray());
            progress?.Invoke(++done, passes * samples.Count);
        }
        foreach (var (n, h) in histograms)
        {
            // A tensor that never goes negative (after ReLU) spends all 256 levels on [0, t]; a signed one 128 per side.
            var r = ranges[n];
            float t = options.Method == CalibrationMethod.Percentile ? h.Percentile(options.Percentile) : h.Entropy(r.Min >= 0 ? 256 : 128);
            ranges[n] = new TensorRange(Math.Max(r.Min, -t), Math.Min(r.Max, t));
        }
        return ranges;
    }

    // Non-constant float tensors read or written by top-level nodes, in graph order.
    private static List<string> Activations(ModelDef model)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        void Consider(string name)
        {
            if (name.Length > 0 && seen.Add(name) && model.Tensors.TryGetValue(name, out var t) && !t.IsConstant
                && t.Type is DataType.Float32 or DataType.Float16)
                result.Add(name);
        }
        foreach (var input in model.Graph.Inputs)
            Consider(input);
        foreach (var node in model.Graph.Nodes)
            foreach (var name in node.Outputs)
                Consider(name);
        return result;
    }
}
