using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// Points every reader of a constant at one representative among byte-identical constants (same type,
/// shape and data), so the file stores the data once. Exports duplicate weights, and folding the same
/// reordering of one weight in two subgraphs (Silero VAD's two LSTM paths per branch) yields equal
/// constants. It runs after the passes that rewrite constants (so no rewrite can reach a shared one);
/// RemoveDeadNodes then drops the orphans. Constants with quantization parameters, and names that are
/// main-graph inputs or outputs, are left alone.
/// </summary>
public sealed class DeduplicateConstants : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "DeduplicateConstants";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        var pinned = model.Graph.Inputs.Concat(model.Graph.Outputs).ToHashSet(StringComparer.Ordinal);
        var buckets = new Dictionary<(DataType, string, int, int), List<TensorDef>>();
        var replace = new Dictionary<string, string>(StringComparer.Ordinal);
        long saved = 0;
        // Ordinal name order makes the representative, and so the written file, independent of table order.
        foreach (var t in model.Tensors.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (!t.IsConstant || t.Quant is not null || t.Shape is null || pinned.Contains(t.Name))
                continue;
            var data = t.Data!.Value.Span;
            var hash = new HashCode();
            hash.AddBytes(data);
            var key = (t.Type, Dim.Format(t.Shape), data.Length, hash.ToHashCode());
            if (!buckets.TryGetValue(key, out var same))
                buckets[key] = same = [];
            TensorDef? twin = null;
            foreach (var s in same)
                if (s.Data!.Value.Span.SequenceEqual(data))
                {
                    twin = s;
                    break;
                }
            if (twin is null)
            {
                same.Add(t);
                continue;
            }
            replace[t.Name] = twin.Name;
            saved += data.Length;
        }
        if (replace.Count == 0)
            return;

        foreach (var (graph, depth) in GraphIndex.Graphs(model.Graph))
        {
            foreach (var node in graph.Nodes)
                Rename(node.Inputs, replace);
            // A subgraph output may name a constant (a branch that returns one); its outputs map by position.
            if (depth > 0)
                Rename(graph.Outputs, replace);
        }
        report.Count("duplicate constants merged", replace.Count);
        report.Messages.Add($"{saved:N0} bytes of duplicate constant data dropped");
    }

    private static void Rename(List<string> names, Dictionary<string, string> replace)
    {
        for (int i = 0; i < names.Count; i++)
            if (replace.TryGetValue(names[i], out var kept))
                names[i] = kept;
    }
}
