using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// Finds hardswish and hard sigmoid written out and makes them one node each (which FuseActivation can then
/// fuse into a Conv). With <c>g = Clip(Add(x, 3), 0, 6)</c> (relu6 of x + 3):
/// <c>g / 6</c> or <c>g · (1/6)</c> becomes <c>HardSigmoid(x, 1/6, 0.5)</c>; <c>(x · g) / 6</c> or
/// <c>(x · g) · (1/6)</c> (Paddle's and TensorFlow's exports) becomes <c>HardSwish(x)</c>; and
/// <c>Mul(x, HardSigmoid(x, 1/6, 0.5))</c> (PyTorch before opset 14, or the first rule's result) becomes
/// <c>HardSwish(x)</c>. Operand order of Add and Mul does not matter; every intermediate must be read only
/// inside the pattern.
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
        {
            var removed = new HashSet<NodeDef>();
            foreach (var node in graph.Nodes)
                if (!removed.Contains(node))
                    RecognizeWrittenOut(graph, node, index, removed, report);
            graph.Nodes.RemoveAll(removed.Contains);
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
    }

    // `outer` = Div(inner, 6) or Mul(inner, 1/6); inner = relu6(x + 3) → HardSigmoid, or x · relu6(x + 3) → HardSwish.
    // The outer node becomes the new node in place (its output and position stay); the rest is removed.
    private static void RecognizeWrittenOut(GraphDef graph, NodeDef outer, GraphIndex index, HashSet<NodeDef> removed, PassReport report)
    {
        if (SixthOf(outer, index) is not { } inner || !index.HasSingleReader(inner) || index.Producer(inner) is not { } p || p.Graph != graph)
            return;
        var model = index.Model;
        if (Relu6OfXPlus3(p.Node, graph, index) is { } gate)
        {
            outer.Op = OpType.HardSigmoid;
            outer.Inputs.Clear();
            outer.Inputs.Add(gate.X);
            outer.Attributes.Clear();
            outer.SetAttribute(AttributeDef.FromFloat("alpha", 1f / 6f));
            outer.SetAttribute(AttributeDef.FromFloat("beta", 0.5f));
            Remove(model, removed, inner, p.Node, gate);
            report.Count("HardSigmoid patterns recognised");
            return;
        }
        if (p.Node.Op != OpType.Mul || p.Node.Inputs.Count != 2)
            return;
        for (int side = 0; side < 2; side++)
        {
            string x = p.Node.Inputs[1 - side], g = p.Node.Inputs[side];
            if (!index.HasSingleReader(g) || index.Producer(g) is not { } gp || gp.Graph != graph
                || Relu6OfXPlus3(gp.Node, graph, index) is not { } hs || hs.X != x)
                continue;
            outer.Op = OpType.HardSwish;
            outer.Inputs.Clear();
            outer.Inputs.Add(x);
            outer.Attributes.Clear();
            Remove(model, removed, inner, p.Node, null);
            Remove(model, removed, g, gp.Node, hs);
            report.Count("HardSwish patterns recognised");
            return;
        }
    }

    private readonly record struct Gate(string X, NodeDef Add, string AddOutput);

    // Clip(Add(x, 3), 0, 6) with the Add's output read only by the Clip: x and the Add.
    private static Gate? Relu6OfXPlus3(NodeDef clip, GraphDef graph, GraphIndex index)
    {
        if (clip.Op != OpType.Clip || clip.Inputs.Count < 3 || !Is(index, clip.Input(1), 0) || !Is(index, clip.Input(2), 6))
            return null;
        string sum = clip.Input(0);
        if (!index.HasSingleReader(sum) || index.Producer(sum) is not { } a || a.Graph != graph || a.Node.Op != OpType.Add || a.Node.Inputs.Count != 2)
            return null;
        for (int side = 0; side < 2; side++)
            if (Is(index, a.Node.Inputs[side], 3) && index.Constant(a.Node.Inputs[1 - side]) is null)
                return new Gate(a.Node.Inputs[1 - side], a.Node, sum);
        return null;
    }

    // The non-constant input of Div(t, 6) or Mul(t, 1/6) / Mul(1/6, t).
    private static string? SixthOf(NodeDef node, GraphIndex index)
    {
        if (node.Inputs.Count != 2)
            return null;
        if (node.Op == OpType.Div)
            return Is(index, node.Inputs[1], 6) && index.Constant(node.Inputs[0]) is null ? node.Inputs[0] : null;
        if (node.Op != OpType.Mul)
            return null;
        for (int side = 0; side < 2; side++)
            if (Is(index, node.Inputs[side], 1.0 / 6) && index.Constant(node.Inputs[1 - side]) is null)
                return node.Inputs[1 - side];
        return null;
    }

    // A one-element f32 constant equal to `value` at float precision (exporters write 1/6 as 0.16666667).
    private static bool Is(GraphIndex index, string tensor, double value) =>
        index.Constant(tensor) is { Type: DataType.Float32 } c && ModelEdit.Scalar(c) is { } v && Math.Abs(v - value) <= 1e-6 * Math.Max(1, Math.Abs(value));

    private static void Remove(ModelDef model, HashSet<NodeDef> removed, string output, NodeDef node, Gate? gate)
    {
        removed.Add(node);
        model.Tensors.Remove(output);
        if (gate is { } g)
        {
            removed.Add(g.Add);
            model.Tensors.Remove(g.AddOutput);
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
