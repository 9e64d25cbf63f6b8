using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// PyTorch exports hardswish before opset 14 as <c>Mul(x, HardSigmoid(x, alpha=1/6, beta=0.5))</c>;
/// that pair becomes one HardSwish node (which FuseActivation can then fuse into a Conv).
/// </summary>
public sealed class RecognizeHardSwish : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "RecognizeHardSwish";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        var index = new GraphIndex(model);
        foreach (var (graph, _) in GraphIndex.Graphs(model.Graph).ToList())
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                var mul = graph.Nodes[i];
                if (mul.Op != OpType.Mul || mul.Inputs.Count != 2)
                    continue;
                for (int side = 0; side < 2; side++)
                {
                    string x = mul.Inputs[1 - side], s = mul.Inputs[side];
                    if (index.Producer(s) is not { } p || p.Graph != graph || p.Node.Op != OpType.HardSigmoid
                        || p.Node.Input(0) != x || !index.HasSingleReader(s) || !IsHardSwishGate(p.Node))
                        continue;
                    // The HardSigmoid becomes the HardSwish (its position already follows x); the Mul goes.
                    var hs = p.Node;
                    hs.Op = OpType.HardSwish;
                    hs.Attributes.Clear();
                    hs.Outputs[0] = mul.Outputs[0];
                    model.Tensors.Remove(s);
                    graph.Nodes.RemoveAt(i--);
                    report.Count("HardSwish patterns recognised");
                    break;
                }
            }
    }

    private static bool IsHardSwishGate(NodeDef hardSigmoid)
    {
        float alpha = hardSigmoid.Attribute("alpha")?.Float ?? 0.2f;
        float beta = hardSigmoid.Attribute("beta")?.Float ?? 0.5f;
        // Exporters write 1/6 as a float32 (0.16666667): compare at float precision.
        return Math.Abs(alpha - 1f / 6f) <= 1e-6f && beta == 0.5f;
    }
}
