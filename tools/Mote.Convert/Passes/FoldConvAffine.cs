using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// Folds multiplications, divisions, additions and subtractions by a constant that is a scalar or one value
/// per output channel into the Conv whose output they read (PaddleOCR's learnable affine blocks
/// <c>conv(x)·s + b</c>, scale/shift layers left over from other frameworks): <c>W'[o] = W[o]·s[o]</c>,
/// <c>B'[o] = B[o]·s[o] + b[o]</c>. Applies when W (and B, if any) are float constants and the Conv output is
/// read only by that node; chains fold one node at a time. Computed in double, stored in W's type.
/// </summary>
public sealed class FoldConvAffine : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "FoldConvAffine";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        var index = new GraphIndex(model);
        foreach (var (graph, _) in GraphIndex.Graphs(model.Graph).ToList())
        {
            // Convs whose output was renamed by a fold: the index still names the removed node as producer.
            var convOf = new Dictionary<string, NodeDef>();
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                var node = graph.Nodes[i];
                if (node.Op is not (OpType.Mul or OpType.Div or OpType.Add or OpType.Sub) || node.Inputs.Count != 2)
                    continue;
                for (int side = 0; side < 2; side++)
                {
                    string y = node.Inputs[1 - side];
                    var conv = convOf.GetValueOrDefault(y) ?? (index.Producer(y) is { } p && p.Graph == graph && p.Node.Op == OpType.Conv ? p.Node : null);
                    if (conv is null || conv.Outputs[0] != y || !index.HasSingleReader(y) || !TryFold(conv, node, side, index))
                        continue;
                    conv.Outputs[0] = node.Outputs[0];
                    convOf[node.Outputs[0]] = conv;
                    model.Tensors.Remove(y);
                    graph.Nodes.RemoveAt(i--);
                    report.Count($"Conv+{node.Op} by a constant folded");
                    break;
                }
            }
        }
    }

    private static bool TryFold(NodeDef conv, NodeDef node, int side, GraphIndex index)
    {
        if (conv.Attribute("mote.activation") is not null)
            return false;
        var model = index.Model;
        var w = index.Constant(conv.Input(1));
        var b = conv.Input(2).Length > 0 ? index.Constant(conv.Input(2)) : null;
        var c = index.Constant(node.Inputs[side]);
        if (w is null || !w.HasFixedShape || w.Shape!.Length < 3 || !w.Type.IsFloat() || (conv.Input(2).Length > 0 && b is null)
            || c is null || !c.HasFixedShape || !c.Type.IsFloat())
            return false;
        long channels = w.Shape[0].Value;
        if (PerChannel(c.FixedShape(), channels, w.Shape.Length) is not { } perChannel)
            return false;
        // y·c, y/c, y+c, y−c, and c·y, c+y, c−y; not c/y.
        bool constFirst = side == 0;
        if (node.Op == OpType.Div && constFirst)
            return false;
        var values = TensorData.ToDoubles(c);
        double At(long o) => perChannel ? values[o] : values[0];
        double[] scale = new double[channels], shift = new double[channels];
        for (long o = 0; o < channels; o++)
        {
            double v = At(o);
            (scale[o], shift[o]) = node.Op switch
            {
                OpType.Mul => (v, 0.0),
                OpType.Div => (1 / v, 0.0),
                OpType.Add => (1.0, v),
                _ => constFirst ? (-1.0, v) : (1.0, -v),
            };
            if (!double.IsFinite(scale[o]) || !double.IsFinite(shift[o]))
                return false;
        }
        var weights = TensorData.ToDoubles(w);
        var bias = b is null ? new double[channels] : TensorData.ToDoubles(b);
        if (bias.LongLength != channels)
            return false;
        long per = weights.LongLength / Math.Max(channels, 1);
        for (long o = 0; o < channels; o++)
        {
            if (scale[o] != 1.0)
                for (long k = 0; k < per; k++)
                    weights[o * per + k] *= scale[o];
            bias[o] = bias[o] * scale[o] + shift[o];
        }
        // New tensors, not edits in place: W and B may be shared with other nodes.
        if (node.Op is OpType.Mul or OpType.Div || constFirst)
            conv.Inputs[1] = model.Add(TensorData.Create(ModelEdit.FreshName(model, w.Name + ".affine"), w.Type, w.FixedShape(), weights)).Name;
        var newB = model.Add(TensorData.Create(ModelEdit.FreshName(model, (b?.Name ?? conv.Name + ".bias") + ".affine"), w.Type, [channels], bias));
        Opset.NodeEdit.SetInput(conv, 2, newB.Name);
        return true;
    }

    /// <summary>
    /// True when <paramref name="shape"/> holds one value per output channel of a rank-<paramref name="rank"/>
    /// output ([M, 1, …] or [1, M, 1, …], no more dimensions than the output), false for a single value, null otherwise.
    /// </summary>
    private static bool? PerChannel(long[] shape, long channels, int rank)
    {
        if (shape.Aggregate(1L, (a, d) => a * d) == 1 && shape.Length <= rank)
            return false;
        if (shape.Length > rank)
            return null;
        // Align to the output's trailing dimensions: the channel axis is rank − 1 − (rank − 2) … i.e. index 1.
        int channelAxis = 1 - (rank - shape.Length);
        for (int i = 0; i < shape.Length; i++)
        {
            long want = i == channelAxis ? channels : 1;
            if (shape[i] != want)
                return null;
        }
        return channelAxis >= 0;
    }
}
