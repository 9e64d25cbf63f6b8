using Mote.Format;
using Mote.Kernels;
using Mote.Runtime.Operators.NeuralNet;

namespace Mote.Convert.Passes;

/// <summary>
/// Fuses an activation into the Conv, ConvTranspose or Gemm producing its input, when that output is
/// read only by the activation: the producer gets the <see cref="FusedActivation"/> attributes (a
/// <see cref="ActivationKind"/> id and its parameters), and writes the activation's output itself. A chain
/// of multiplications, divisions, additions and subtractions by scalar constants right after the activation
/// (PaddleOCR's learnable affine blocks, <c>act(x)·s + b</c>) joins it as the affine map
/// <see cref="FusedActivation.AffineAttribute"/>.
/// </summary>
public sealed class FuseActivation : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "FuseActivation";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        var index = new GraphIndex(model);
        foreach (var (graph, _) in GraphIndex.Graphs(model.Graph).ToList())
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                var act = graph.Nodes[i];
                if (Describe(act, index) is not { } fused)
                    continue;
                string x = act.Input(0);
                if (index.Producer(x) is not { } p || p.Graph != graph || !index.HasSingleReader(x)
                    || p.Node.Op is not (OpType.Conv or OpType.ConvTranspose or OpType.Gemm)
                    || p.Node.Attribute(FusedActivation.KindAttribute) is not null || p.Node.Outputs[0] != x)
                    continue;
                p.Node.SetAttribute(AttributeDef.FromInt(FusedActivation.KindAttribute, (long)fused.Kind));
                if (fused.Params.Length > 0)
                    p.Node.SetAttribute(AttributeDef.FromFloats(FusedActivation.ParamsAttribute, fused.Params));
                p.Node.Outputs[0] = act.Outputs[0];
                model.Tensors.Remove(x);
                graph.Nodes.RemoveAt(i--);
                report.Count($"{act.Op} fused into {p.Node.Op}");
                AbsorbAffine(graph, p.Node, index, report);
            }
    }

    /// <summary>Folds scalar Mul/Div/Add/Sub nodes that follow <paramref name="producer"/>'s fused activation into its affine map.</summary>
    private static void AbsorbAffine(GraphDef graph, NodeDef producer, GraphIndex index, PassReport report)
    {
        var model = index.Model;
        while (true)
        {
            string y = producer.Outputs[0];
            if (!index.HasSingleReader(y) || index.SoleReader(y, graph) is not { } next || next.Inputs.Count != 2)
                return;
            int side = next.Inputs[0] == y ? 1 : next.Inputs[1] == y ? 0 : -1;
            if (side < 0 || next.Inputs[1 - side] != y || ModelEdit.Scalar(index.Constant(next.Inputs[side])) is not { } c
                || index.Constant(next.Inputs[side]) is not { } ct || ct.Type != DataType.Float32 || (ct.Shape?.Length ?? 0) > 1
                || !double.IsFinite(c))
                return;
            (float scale, float offset)? step = next.Op switch
            {
                OpType.Mul => ((float)c, 0f),
                OpType.Add => (1f, (float)c),
                OpType.Div when side == 1 && c != 0 => ((float)(1 / c), 0f),
                OpType.Sub when side == 1 => (1f, (float)-c),
                OpType.Sub => (-1f, (float)c),   // c − y
                _ => null,
            };
            if (step is not { } s)
                return;
            var current = FusedActivation.Read(producer);
            var composed = current.WithAffine(s.scale, s.offset);
            producer.SetAttribute(AttributeDef.FromInt(FusedActivation.KindAttribute, (long)composed.Kind));
            producer.SetAttribute(AttributeDef.FromFloats(FusedActivation.AffineAttribute, [composed.Scale, composed.Offset]));
            producer.Outputs[0] = next.Outputs[0];
            model.Tensors.Remove(y);
            graph.Nodes.Remove(next);
            report.Count($"scalar {next.Op} folded into {producer.Op}'s activation");
        }
    }

    /// <summary>The fused form of <paramref name="act"/>, or null when it is not a fusable activation.</summary>
    internal static (ActivationKind Kind, float[] Params)? Describe(NodeDef act, GraphIndex index)
    {
        float Attr(string name, float fallback) => act.Attribute(name)?.Float ?? fallback;
        switch (act.Op)
        {
            case OpType.Relu: return (ActivationKind.Relu, []);
            case OpType.Sigmoid: return (ActivationKind.Sigmoid, []);
            case OpType.Tanh: return (ActivationKind.Tanh, []);
            case OpType.HardSwish: return (ActivationKind.HardSwish, []);
            case OpType.LeakyRelu: return (ActivationKind.LeakyRelu, [Attr("alpha", 0.01f)]);
            case OpType.HardSigmoid: return (ActivationKind.HardSigmoid, [Attr("alpha", 0.2f), Attr("beta", 0.5f)]);
            case OpType.Clip:
                double? min = Bound(act.Input(1), float.NegativeInfinity, index);
                double? max = Bound(act.Input(2), float.PositiveInfinity, index);
                return min is null || max is null ? null : (ActivationKind.Clip, [(float)min.Value, (float)max.Value]);
            default: return null;
        }
    }

    /// <summary>A Clip bound: <paramref name="absent"/> when the input is omitted, its value when constant, null when computed.</summary>
    private static double? Bound(string input, double absent, GraphIndex index) =>
        input.Length == 0 ? absent : ModelEdit.Scalar(index.Constant(input));
}
