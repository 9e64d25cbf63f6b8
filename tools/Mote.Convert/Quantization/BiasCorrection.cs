using Mote.Format;
using Mote.Runtime;

namespace Mote.Convert.Quantization;

/// <summary>
/// Empirical bias correction after the int8 rewrite: rounding a convolution's weights and input shifts each output
/// channel's mean a little, and the shifts add up through the layers. Each QLinearConv is measured on its own: a probe
/// copy of it runs inside the float model, on the float model's own input to that layer (quantized), and its int32
/// bias moves by the channel's mean error against the float convolution. Measuring every layer in the quantized
/// network instead would count an early layer's shift again in every later layer, and correcting all of them at once
/// overshoots. Where the output range starts at 0 (a ReLU), only positions where the float output is positive count:
/// the clamped part says nothing about the bias.
/// </summary>
public static class BiasCorrection
{
    /// <summary>Corrects the biases of <paramref name="quantized"/> in place; returns the convolutions corrected.</summary>
    /// <param name="reference">The float model (a snapshot: it gains the probes).</param>
    /// <param name="quantized">The model after <see cref="StaticQuantizer"/>, before dead-node removal.</param>
    /// <param name="views">The rewrite's map from float activations to their uint8 stand-ins.</param>
    /// <param name="samples">The calibration samples.</param>
    public static int Apply(ModelDef reference, ModelDef quantized, IReadOnlyDictionary<string, QuantizedView> views,
        IReadOnlyList<IReadOnlyList<NamedTensor>> samples)
    {
        var floatOf = views.ToDictionary(v => v.Value.Name, v => v.Key, StringComparer.Ordinal);
        var outputOf = quantized.Graph.Nodes.Where(n => n.Op == OpType.DequantizeLinear).ToDictionary(n => n.Inputs[0], n => n.Outputs[0], StringComparer.Ordinal);
        var layers = new List<Layer>();
        foreach (var node in quantized.Graph.Nodes)
            if (node.Op == OpType.QLinearConv && node.Inputs.Count >= 9 && floatOf.TryGetValue(node.Inputs[0], out var x)
                && outputOf.TryGetValue(node.Outputs[0], out var y) && reference.Tensors.ContainsKey(x) && reference.Tensors.ContainsKey(y))
                layers.Add(AddProbe(reference, quantized, node, x, y, views[x]));
        if (layers.Count == 0 || samples.Count == 0)
            return 0;

        var sums = layers.Select(l => new double[l.Channels]).ToArray();
        var counts = layers.Select(l => new long[l.Channels]).ToArray();
        using (var loaded = MoteModel.FromDefinition(reference))
        using (var session = loaded.CreateSession())
            foreach (var sample in samples)
            {
                var outputs = session.Run(sample);
                for (int i = 0; i < layers.Count; i++)
                    Accumulate(outputs[layers[i].Float].ToSingleArray(), outputs[layers[i].Probe].ToSingleArray(), layers[i], sums[i], counts[i]);
            }
        for (int i = 0; i < layers.Count; i++)
            Correct(quantized, layers[i], sums[i].Select((s, c) => counts[i][c] == 0 ? 0 : s / counts[i][c]).ToArray());
        return layers.Count;
    }

    // A convolution under measurement: its float output and its probe's, its bias and the scales of that bias.
    private sealed record Layer(string Float, string Probe, string Bias, double[] BiasScales, bool Relu, int Channels);

    // Quantize the float input with the layer's own parameters → the layer's QLinearConv → dequantize, all inside `reference`.
    private static Layer AddProbe(ModelDef reference, ModelDef quantized, NodeDef conv, string x, string y, QuantizedView xView)
    {
        foreach (var input in conv.Inputs.Skip(1))
            if (input.Length > 0 && !reference.Tensors.ContainsKey(input))
                reference.Add(quantized.Tensor(input));
        string xq = ModelEdit.FreshName(reference, x + ".probe"), yq = ModelEdit.FreshName(reference, y + ".probe_q"), probe = ModelEdit.FreshName(reference, y + ".probe");
        reference.Add(new TensorDef(xq, DataType.UInt8, reference.Tensor(x).Shape));
        reference.Add(new TensorDef(yq, DataType.UInt8, reference.Tensor(y).Shape));
        reference.Add(new TensorDef(probe, DataType.Float32, reference.Tensor(y).Shape));
        var inputs = conv.Inputs.ToList();
        inputs[0] = xq;
        reference.Graph.Nodes.Add(new NodeDef(OpType.QuantizeLinear, "", [x, xView.QdqScaleTensor, xView.ZeroPointTensor], [xq]));
        reference.Graph.Nodes.Add(new NodeDef(OpType.QLinearConv, "", inputs, [yq], conv.Attributes));
        reference.Graph.Nodes.Add(new NodeDef(OpType.DequantizeLinear, "", [yq, conv.Inputs[6], conv.Inputs[7]], [probe]));
        reference.Graph.Outputs.Add(probe);
        if (!reference.Graph.Outputs.Contains(y))
            reference.Graph.Outputs.Add(y);

        double xScale = TensorData.ToDoubles(quantized.Tensor(conv.Inputs[1]))[0];
        var wScales = TensorData.ToDoubles(quantized.Tensor(conv.Inputs[4]));
        int channels = (int)quantized.Tensor(conv.Inputs[3]).FixedShape()[0];
        var scales = Enumerable.Range(0, channels).Select(c => xScale * (float)wScales[wScales.Length == 1 ? 0 : c]).ToArray();
        bool relu = TensorData.ToDoubles(quantized.Tensor(conv.Inputs[7]))[0] == 0;
        return new Layer(y, probe, conv.Inputs[8], scales, relu, channels);
    }

    private static void Accumulate(float[] expected, float[] actual, Layer layer, double[] sum, long[] count)
    {
        int plane = expected.Length / Math.Max(1, layer.Channels);
        for (int i = 0; i < expected.Length; i++)
        {
            if (layer.Relu && expected[i] <= 0)
                continue;
            int c = i / plane % layer.Channels;
            sum[c] += actual[i] - expected[i];
            count[c]++;
        }
    }

    private static void Correct(ModelDef model, Layer layer, double[] means)
    {
        var bias = model.Tensor(layer.Bias);
        var values = TensorData.ToDoubles(bias);
        for (int c = 0; c < layer.Channels; c++)
            values[c] = Math.Clamp(Math.Round(values[c] - means[c] / layer.BiasScales[c]), int.MinValue, int.MaxValue);
        bias.Data = TensorData.Create(bias.Name, DataType.Int32, bias.FixedShape(), values).Data;
    }
}
