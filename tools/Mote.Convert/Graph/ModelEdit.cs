using Mote.Format;

namespace Mote.Convert;

/// <summary>Model-wide edits used by passes.</summary>
internal static class ModelEdit
{
    /// <summary>Replaces every read of <paramref name="from"/> by <paramref name="to"/> in all graphs, including subgraph outputs (never the main graph's).</summary>
    public static void RenameReads(ModelDef model, string from, string to)
    {
        foreach (var (graph, depth) in GraphIndex.Graphs(model.Graph))
        {
            foreach (var node in graph.Nodes)
                for (int i = 0; i < node.Inputs.Count; i++)
                    if (node.Inputs[i] == from)
                        node.Inputs[i] = to;
            if (depth > 0)
                for (int i = 0; i < graph.Outputs.Count; i++)
                    if (graph.Outputs[i] == from)
                        graph.Outputs[i] = to;
        }
    }

    /// <summary><paramref name="hint"/> itself when the model does not use it yet, else <see cref="FreshName"/>.</summary>
    public static string UnusedName(ModelDef model, string hint) => model.Tensors.ContainsKey(hint) ? FreshName(model, hint) : hint;

    /// <summary>A tensor name based on <paramref name="hint"/> that the model does not use yet.</summary>
    public static string FreshName(ModelDef model, string hint)
    {
        for (int n = 1; ; n++)
        {
            string candidate = $"{hint}__{n}";
            if (!model.Tensors.ContainsKey(candidate))
                return candidate;
        }
    }

    /// <summary>A scalar float read from a one-element numeric constant, or null.</summary>
    public static double? Scalar(TensorDef? t) =>
        t is not null && t.IsConstant && TensorData.IsNumeric(t.Type) && ShapeMath.ElementCount(t.Shape) == 1 ? TensorData.ToDoubles(t)[0] : null;
}
