using Mote.Format;
using Xunit.Sdk;

namespace Mote.Format.Tests.Helpers;

/// <summary>Structural equality of models, failing with the path of the first difference. Floats compare bitwise.</summary>
internal static class ModelComparer
{
    public static void AssertEqual(ModelDef expected, ModelDef actual)
    {
        Check(expected.Tensors.Count == actual.Tensors.Count, "tensors", $"count {expected.Tensors.Count} vs {actual.Tensors.Count}");
        foreach (var (name, e) in expected.Tensors)
        {
            Check(actual.Tensors.TryGetValue(name, out var a), $"tensors['{name}']", "missing");
            Tensor(e, a!, $"tensors['{name}']");
        }
        Graph(expected.Graph, actual.Graph, "graph");
        var em = expected.Metadata;
        var am = actual.Metadata;
        Check(em.Producer == am.Producer && em.ProducerVersion == am.ProducerVersion, "metadata", "producer differs");
        Check(em.SourceSha256.AsSpan().SequenceEqual(am.SourceSha256), "metadata", "source SHA-256 differs");
        Check(em.Opsets.SequenceEqual(am.Opsets), "metadata", "opsets differ");
        Check(em.Properties.SequenceEqual(am.Properties), "metadata", "properties differ");
    }

    private static void Check(bool ok, string path, string what)
    {
        if (!ok)
            throw new XunitException($"models differ at {path}: {what}");
    }

    private static void Tensor(TensorDef e, TensorDef a, string path)
    {
        Check(e.Name == a.Name, path, $"name '{e.Name}' vs '{a.Name}'");
        Check(e.Type == a.Type, path, $"type {e.Type} vs {a.Type}");
        Check((e.Shape is null) == (a.Shape is null) && (e.Shape is null || e.Shape.SequenceEqual(a.Shape!)), path, $"shape {Dim.Format(e.Shape)} vs {Dim.Format(a.Shape)}");
        Check((e.Quant is null) == (a.Quant is null), path, "quantization presence");
        if (e.Quant is not null)
        {
            Check(e.Quant.Axis == a.Quant!.Axis, path, $"quant axis {e.Quant.Axis} vs {a.Quant.Axis}");
            Check(Bits(e.Quant.Scales).SequenceEqual(Bits(a.Quant.Scales)), path, "quant scales");
            Check(e.Quant.ZeroPoints.SequenceEqual(a.Quant.ZeroPoints), path, "quant zero points");
        }
        Check(e.Data.HasValue == a.Data.HasValue, path, "constant-ness");
        if (e.Data is { } ed)
            Check(ed.Span.SequenceEqual(a.Data!.Value.Span), path, "data bytes");
    }

    private static void Graph(GraphDef e, GraphDef a, string path)
    {
        Check(e.Name == a.Name, path, $"name '{e.Name}' vs '{a.Name}'");
        Check(e.Inputs.SequenceEqual(a.Inputs), path, $"inputs [{string.Join(",", e.Inputs)}] vs [{string.Join(",", a.Inputs)}]");
        Check(e.Outputs.SequenceEqual(a.Outputs), path, $"outputs [{string.Join(",", e.Outputs)}] vs [{string.Join(",", a.Outputs)}]");
        Check(e.Nodes.Count == a.Nodes.Count, path, $"node count {e.Nodes.Count} vs {a.Nodes.Count}");
        for (int i = 0; i < e.Nodes.Count; i++)
        {
            var en = e.Nodes[i];
            var an = a.Nodes[i];
            string np = $"{path}.nodes[{i}]";
            Check(en.Op == an.Op && en.Name == an.Name, np, $"{en.Describe()} vs {an.Describe()}");
            Check(en.Inputs.SequenceEqual(an.Inputs), np, "inputs");
            Check(en.Outputs.SequenceEqual(an.Outputs), np, "outputs");
            Check(en.Attributes.Count == an.Attributes.Count, np, "attribute count");
            for (int j = 0; j < en.Attributes.Count; j++)
                Attribute(en.Attributes[j], an.Attributes[j], $"{np}.{en.Attributes[j].Name}");
        }
    }

    private static void Attribute(AttributeDef e, AttributeDef a, string path)
    {
        Check(e.Name == a.Name && e.Type == a.Type, path, $"{e.Name}:{e.Type} vs {a.Name}:{a.Type}");
        switch (e.Type)
        {
            case AttributeType.Int: Check(e.Int == a.Int, path, "value"); break;
            case AttributeType.Float: Check(BitConverter.SingleToInt32Bits(e.Float) == BitConverter.SingleToInt32Bits(a.Float), path, "value"); break;
            case AttributeType.String: Check(e.String == a.String, path, "value"); break;
            case AttributeType.Ints: Check(e.Ints!.SequenceEqual(a.Ints!), path, "value"); break;
            case AttributeType.Floats: Check(Bits(e.Floats!).SequenceEqual(Bits(a.Floats!)), path, "value"); break;
            case AttributeType.Strings: Check(e.Strings!.SequenceEqual(a.Strings!), path, "value"); break;
            case AttributeType.Tensor: Tensor(e.Tensor!, a.Tensor!, path); break;
            case AttributeType.Graph: Graph(e.Graph!, a.Graph!, path); break;
        }
    }

    private static IEnumerable<int> Bits(float[] v) => v.Select(BitConverter.SingleToInt32Bits);
}
