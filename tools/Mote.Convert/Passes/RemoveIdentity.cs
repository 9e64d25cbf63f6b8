using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// Removes Identity nodes and inference-time Dropout (an identity on its first output). Readers of
/// the output read the input instead; when the output is a graph output, the input's producer is
/// renamed to write it directly; when neither is possible (graph input or constant straight to a graph
/// output) the node stays. A consumed Dropout mask becomes an all-true constant when the shape is known.
/// </summary>
public sealed class RemoveIdentity : IGraphPass
{
    private const long MaxMaskElements = 1 << 26;

    /// <inheritdoc/>
    public string Name => "RemoveIdentity";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        foreach (var (graph, _) in GraphIndex.Graphs(model.Graph).ToList())
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                var node = graph.Nodes[i];
                if (node.Op is not (OpType.Identity or OpType.Dropout))
                    continue;
                // The index is rebuilt per candidate: removals rename tensors other candidates may read.
                var index = new GraphIndex(model);
                TensorDef? mask = null;
                if (node.Op == OpType.Dropout && !DropoutIsIdentity(node, index, report, out mask))
                    continue;
                if (!CanRemove(graph, node, index))
                {
                    report.Messages.Add($"kept {node.Describe()}: it connects a graph input or constant straight to a graph output");
                    continue;
                }
                if (mask is not null)
                {
                    model.Add(mask);
                    report.Count("Dropout masks replaced by constants");
                }
                Remove(node, index);
                graph.Nodes.RemoveAt(i--);
                report.Count(node.Op == OpType.Identity ? "Identity nodes removed" : "Dropout nodes removed");
            }
    }

    /// <summary>True when the Dropout is an identity in inference; a used mask comes back as the all-true constant to put in its place.</summary>
    private static bool DropoutIsIdentity(NodeDef node, GraphIndex index, PassReport report, out TensorDef? maskConstant)
    {
        maskConstant = null;
        string training = node.Input(2);
        if (training.Length > 0 && (ModelEdit.Scalar(index.Constant(training)) is not { } t || t != 0))
            return false;
        string mask = node.Outputs.Count > 1 ? node.Outputs[1] : "";
        if (mask.Length == 0 || (index.Readers(mask) == 0 && !index.IsGraphOutput(mask)))
            return true;
        // In inference every element is kept: the mask is all true, of the data's shape.
        var data = index.Model.Tensors.GetValueOrDefault(node.Input(0));
        // Shapes come from the file: cap the constant so a claimed shape cannot force a huge allocation.
        if (data?.Shape is null || ShapeMath.ElementCount(data.Shape) is not { } count || count > MaxMaskElements)
        {
            report.Messages.Add($"kept {node.Describe()}: its mask is used and the input shape is unknown or too large");
            return false;
        }
        var maskBytes = new byte[count];
        maskBytes.AsSpan().Fill(1);
        maskConstant = new TensorDef(mask, DataType.Bool, data.Shape, maskBytes);
        return true;
    }

    /// <summary>
    /// The output can go when no graph exports it (readers are redirected to the input), or when the
    /// input is a plain intermediate of the same graph whose producer can write the output directly.
    /// </summary>
    private static bool CanRemove(GraphDef graph, NodeDef node, GraphIndex index)
    {
        string x = node.Input(0), y = node.Outputs[0];
        if (x.Length == 0)
            return false;
        if (y.Length == 0 || !index.IsGraphOutput(y))
            return true;
        return index.Producer(x) is { } p && p.Graph == graph && !index.IsGraphOutput(x);
    }

    private static void Remove(NodeDef node, GraphIndex index)
    {
        var model = index.Model;
        string x = node.Input(0), y = node.Outputs[0];
        if (y.Length == 0)
            return;
        if (!index.IsGraphOutput(y))
        {
            ModelEdit.RenameReads(model, y, x);
            model.Tensors.Remove(y);
            return;
        }
        var producer = index.Producer(x)!.Value.Node;
        producer.Outputs[producer.Outputs.IndexOf(x)] = y;
        ModelEdit.RenameReads(model, x, y);
        if (model.Tensors.Remove(x, out var xt) && model.Tensors.TryGetValue(y, out var yt))
        {
            if (yt.Type == DataType.Undefined)
                yt.Type = xt.Type;
            yt.Shape ??= xt.Shape;
        }
    }
}
