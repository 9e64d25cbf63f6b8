using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// Fuses a skip connection, <c>Add(Conv(x), r)</c> with r of exactly the Conv output's shape, into the Conv as
/// its fourth input (a Mote extension, docs/format.md): the GEMM adds r as it stores each tile, and an
/// activation after the Add can then fuse too (FuseActivation runs later). Applies when the Conv output is read
/// only by the Add, the Conv has no fused activation, is not depthwise, both shapes are known and equal (fixed or
/// the same symbols), the types are f32, and r is available where the Conv runs (a constant, a graph input, or
/// produced earlier).
/// When both Add inputs qualify, the later Conv takes the other as its residual.
/// </summary>
public sealed class FuseConvResidual : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "FuseConvResidual";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        var index = new GraphIndex(model);
        foreach (var (graph, _) in GraphIndex.Graphs(model.Graph).ToList())
        {
            var position = new Dictionary<NodeDef, int>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < graph.Nodes.Count; i++)
                position[graph.Nodes[i]] = i;
            var removed = new HashSet<NodeDef>(ReferenceEqualityComparer.Instance);
            foreach (var add in graph.Nodes)
            {
                if (add.Op != OpType.Add || add.Inputs.Count != 2 || add.Inputs[0] == add.Inputs[1])
                    continue;
                NodeDef? best = null;
                int bestSide = -1;
                for (int side = 0; side < 2; side++)
                {
                    if (Candidate(graph, add, side, index) is not { } conv || removed.Contains(conv))
                        continue;
                    string r = add.Inputs[1 - side];
                    // r must exist before the Conv runs: produced by an earlier node of this graph, or not by a node of it.
                    if (index.Producer(r) is { } rp && rp.Graph == graph && (!position.TryGetValue(rp.Node, out int rpos) || rpos >= position[conv]))
                        continue;
                    if (best is null || position[conv] > position[best])
                        (best, bestSide) = (conv, side);
                }
                if (best is null)
                    continue;
                string y = add.Inputs[bestSide];
                while (best.Inputs.Count < 3)
                    best.Inputs.Add("");
                if (best.Inputs.Count == 3)
                    best.Inputs.Add(add.Inputs[1 - bestSide]);
                else
                    best.Inputs[3] = add.Inputs[1 - bestSide];
                best.Outputs[0] = add.Outputs[0];
                model.Tensors.Remove(y);
                removed.Add(add);
                report.Count("Conv+Add residual fused");
            }
            graph.Nodes.RemoveAll(removed.Contains);
        }
    }

    // The Conv producing Add input `side`, when it can take the other input as its residual.
    private static NodeDef? Candidate(GraphDef graph, NodeDef add, int side, GraphIndex index)
    {
        string y = add.Inputs[side], r = add.Inputs[1 - side];
        if (index.Producer(y) is not { } p || p.Graph != graph || p.Node.Op != OpType.Conv || !index.HasSingleReader(y) || p.Node.Outputs[0] != y)
            return null;
        var conv = p.Node;
        if (conv.Inputs.Count > 3 || conv.Attribute("mote.activation") is not null)
            return null;
        var model = index.Model;
        // Equal shapes, dimension by dimension (a symbolic dimension equals only itself): the Add broadcasts nothing.
        if (!model.Tensors.TryGetValue(y, out var yt) || !model.Tensors.TryGetValue(r, out var rt)
            || yt.Type != DataType.Float32 || rt.Type != DataType.Float32
            || yt.Shape is not { } ys || rt.Shape is not { } rs || !ys.SequenceEqual(rs))
            return null;
        // Depthwise (group = C, one input channel per group) runs its own kernel, which takes no residual.
        long group = conv.Attribute("group")?.Int ?? 1;
        var w = model.Tensors.GetValueOrDefault(conv.Input(1));
        if (w?.Shape is not { Length: >= 3 } ws || !w.HasFixedShape || (group > 1 && ws[1].Value == 1))
            return null;
        return conv;
    }
}
