using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// Folds BatchNormalization into the Conv feeding it: with <c>s = scale / sqrt(var + eps)</c>,
/// <c>W'[o] = W[o]·s[o]</c> and <c>B'[o] = (B[o] − mean[o])·s[o] + bias[o]</c>. Applies when W, B and
/// all BN parameters are constants and the Conv output is read only by the BN. Computed in double,
/// stored in W's type. Other BatchNormalization nodes stay.
/// </summary>
public sealed class FoldBatchNorm : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "FoldBatchNorm";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        var index = new GraphIndex(model);
        foreach (var (graph, _) in GraphIndex.Graphs(model.Graph).ToList())
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                var bn = graph.Nodes[i];
                if (bn.Op != OpType.BatchNormalization || !TryFold(graph, bn, index, report))
                    continue;
                graph.Nodes.RemoveAt(i--);
                report.Count("Conv+BatchNormalization folded");
            }
    }

    private static bool TryFold(GraphDef graph, NodeDef bn, GraphIndex index, PassReport report)
    {
        string x = bn.Input(0);
        if (index.Producer(x) is not { } p || p.Graph != graph || p.Node.Op != OpType.Conv || !index.HasSingleReader(x))
            return false;
        if (bn.Outputs.Skip(1).Any(o => o.Length > 0 && (index.Readers(o) > 0 || index.IsGraphOutput(o))))
            return false;
        var conv = p.Node;
        var w = index.Constant(conv.Input(1));
        var b = conv.Input(2).Length > 0 ? index.Constant(conv.Input(2)) : null;
        if (w is null || !w.HasFixedShape || w.Shape!.Length < 1 || !w.Type.IsFloat() || (conv.Input(2).Length > 0 && b is null))
            return false;
        var bnParams = new TensorDef?[4];
        for (int k = 0; k < 4; k++)
        {
            bnParams[k] = index.Constant(bn.Input(k + 1));
            if (bnParams[k] is not { } t || !TensorData.IsNumeric(t.Type))
                return false;
        }
        long channels = w.Shape[0].Value;
        var scale = TensorData.ToDoubles(bnParams[0]!);
        var bias = TensorData.ToDoubles(bnParams[1]!);
        var mean = TensorData.ToDoubles(bnParams[2]!);
        var variance = TensorData.ToDoubles(bnParams[3]!);
        var oldBias = b is null ? new double[channels] : TensorData.ToDoubles(b);
        if (new[] { scale, bias, mean, variance, oldBias }.Any(a => a.LongLength != channels))
        {
            report.Messages.Add($"skipped {bn.Describe()}: parameter lengths do not match the {channels} output channels of {conv.Describe()}");
            return false;
        }
        double eps = bn.Attribute("epsilon")?.Float ?? 1e-5f;
        var weights = TensorData.ToDoubles(w);
        long perChannel = weights.LongLength / Math.Max(channels, 1);
        var newBias = new double[channels];
        for (long o = 0; o < channels; o++)
        {
            double s = scale[o] / Math.Sqrt(variance[o] + eps);
            for (long k = 0; k < perChannel; k++)
                weights[o * perChannel + k] *= s;
            newBias[o] = (oldBias[o] - mean[o]) * s + bias[o];
        }
        var model = index.Model;
        // New tensors, not edits in place: W and B may be shared with other nodes.
        var newW = model.Add(TensorData.Create(ModelEdit.FreshName(model, w.Name + ".bnfold"), w.Type, w.FixedShape(), weights));
        var newB = model.Add(TensorData.Create(ModelEdit.FreshName(model, (b?.Name ?? conv.Name + ".bias") + ".bnfold"), w.Type, [channels], newBias));
        conv.Inputs[1] = newW.Name;
        Opset.NodeEdit.SetInput(conv, 2, newB.Name);
        conv.Outputs[0] = bn.Outputs[0];
        model.Tensors.Remove(x);
        return true;
    }
}
