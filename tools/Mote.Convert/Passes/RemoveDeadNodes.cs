using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// Removes nodes whose outputs nothing reads (transitively, from the graph outputs back), then every
/// tensor no graph mentions any more (unused constants and leftover intermediates). Main-graph inputs
/// and subgraph inputs always stay: they are the interface.
/// </summary>
public sealed class RemoveDeadNodes : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "RemoveDeadNodes";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        int removed = Sweep(model.Graph, live);
        report.Count("nodes removed", removed);

        var mentioned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (graph, _) in GraphIndex.Graphs(model.Graph))
        {
            mentioned.UnionWith(graph.Inputs);
            mentioned.UnionWith(graph.Outputs);
            foreach (var node in graph.Nodes)
            {
                mentioned.UnionWith(node.Inputs);
                mentioned.UnionWith(node.Outputs);
                // Tensor-valued attributes (ConstantOfShape's value) are table entries too.
                foreach (var a in node.Attributes)
                    if (a.Tensor is not null)
                        mentioned.Add(a.Tensor.Name);
            }
        }
        int constants = 0, others = 0;
        foreach (var name in model.Tensors.Keys.ToList())
            if (!mentioned.Contains(name))
            {
                if (model.Tensors[name].IsConstant)
                    constants++;
                else
                    others++;
                model.Tensors.Remove(name);
            }
        report.Count("constants removed", constants);
        report.Count("unused tensor entries removed", others);
    }

    /// <summary>Keeps the nodes of <paramref name="graph"/> that feed a live tensor; returns how many were removed (including in subgraphs).</summary>
    private static int Sweep(GraphDef graph, HashSet<string> live)
    {
        live.UnionWith(graph.Outputs);
        int removed = 0;
        for (int i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            var node = graph.Nodes[i];
            if (!node.Outputs.Exists(o => o.Length > 0 && live.Contains(o)))
            {
                removed += 1 + node.Attributes.Where(a => a.Graph is not null).Sum(a => a.Graph!.AllNodes().Count());
                graph.Nodes.RemoveAt(i);
                continue;
            }
            foreach (var input in node.Inputs)
                if (input.Length > 0)
                    live.Add(input);
            foreach (var a in node.Attributes)
                if (a.Graph is not null)
                    removed += Sweep(a.Graph, live);
        }
        return removed;
    }
}
