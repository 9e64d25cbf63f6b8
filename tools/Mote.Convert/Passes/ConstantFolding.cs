using Mote.Format;
using Mote.Runtime;

namespace Mote.Convert.Passes;

/// <summary>
/// Evaluates nodes, in the main graph and in every subgraph, whose inputs are all constants (and
/// Shape/Size of tensors whose shape is fixed)
/// with the runtime's own operators, replacing them by constant tensors. Outputs much larger than
/// their inputs (ConstantOfShape, Expand, Tile of a few bytes into megabytes) are left to run, so the
/// file does not grow.
/// </summary>
public sealed class ConstantFolding : IGraphPass
{
    /// <summary>Folded outputs above this many bytes must not exceed <see cref="MaxGrowth"/>× their inputs.</summary>
    public const long SmallOutputBytes = 1 << 20;

    /// <summary>How much larger than its inputs a large folded output may be.</summary>
    public const long MaxGrowth = 4;

    private static readonly HashSet<OpType> Never =
    [
        OpType.RandomNormal, OpType.RandomNormalLike, OpType.RandomUniform, OpType.RandomUniformLike,
        OpType.Bernoulli, OpType.Multinomial, OpType.If, OpType.Loop, OpType.Scan,
    ];

    /// <inheritdoc/>
    public string Name => "ConstantFolding";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        // Outer graphs first, so a subgraph sees the constants folded around it. If, Loop and Scan are
        // never folded, so the subgraph list stays valid while nodes are removed.
        foreach (var (graph, _) in GraphIndex.Graphs(model.Graph).ToList())
            FoldGraph(model, graph, report);
    }

    /// <summary>
    /// Folds the nodes of one graph. Constants live in the model's single tensor table, so a node in an
    /// If branch or loop body that only reads constants (an exporter's weight reordering inside the
    /// branch, say) folds like a main-graph node, and operators behind it see constants at load.
    /// </summary>
    private static void FoldGraph(ModelDef model, GraphDef graph, PassReport report)
    {
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            if (Never.Contains(node.Op) || node.Outputs.All(o => o.Length == 0))
                continue;
            if (TryShapeOfFixed(model, node) is { } shapeConst)
            {
                Replace(model, graph, i--, shapeConst, report, "shape queries of fixed shapes folded");
                continue;
            }
            var inputs = node.Inputs.Where(n => n.Length > 0).Select(n => model.Tensors.GetValueOrDefault(n)).ToList();
            if (inputs.Count == 0 || inputs.Any(t => t is null || !t.IsConstant))
                continue;
            var folded = Evaluate(model, node, report);
            if (folded is null)
                continue;
            long inBytes = inputs.Sum(t => (long)t!.Data!.Value.Length);
            long outBytes = folded.Sum(t => (long)t.Data!.Value.Length);
            if (outBytes > SmallOutputBytes && outBytes > MaxGrowth * inBytes)
            {
                report.Count("nodes left unfolded (output too large)");
                continue;
            }
            Replace(model, graph, i--, folded, report, "nodes folded");
        }
    }

    /// <summary>Shape or Size of a tensor whose shape is fully fixed, as an int64 constant.</summary>
    private static TensorDef[]? TryShapeOfFixed(ModelDef model, NodeDef node)
    {
        if (node.Op is not (OpType.Shape or OpType.Size) || !model.Tensors.TryGetValue(node.Input(0), out var x) || !x.HasFixedShape || x.IsConstant)
            return null;
        var dims = x.FixedShape();
        if (node.Op == OpType.Size)
            return [TensorData.FromInt64s(node.Outputs[0], [], [dims.Aggregate(1L, (a, b) => a * b)])];
        long rank = dims.Length;
        long start = node.Attribute("start")?.Int ?? 0, end = node.Attribute("end")?.Int ?? rank;
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        var slice = dims[(int)start..(int)Math.Max(start, end)];
        return [TensorData.FromInt64s(node.Outputs[0], [slice.Length], slice)];
    }

    /// <summary>Runs <paramref name="node"/> alone on its constant inputs; null when the runtime cannot.</summary>
    private static TensorDef[]? Evaluate(ModelDef model, NodeDef node, PassReport report)
    {
        var mini = new ModelDef();
        foreach (var n in node.Inputs.Where(n => n.Length > 0).Distinct())
            mini.Add(model.Tensor(n));
        foreach (var o in node.Outputs.Where(o => o.Length > 0))
        {
            var declared = model.Tensors.GetValueOrDefault(o);
            mini.Add(new TensorDef(o, declared?.Type ?? DataType.Undefined, null));
            mini.Graph.Outputs.Add(o);
        }
        mini.Graph.Nodes.Add(node);
        try
        {
            using var m = MoteModel.FromDefinition(mini);
            using var session = m.CreateSession(new SessionOptions { Features = Mote.Kernels.CpuFeatures.Detect() });
            var results = session.Run();
            return results.Select(r => new TensorDef(r.Name, r.Value.Type, r.Value.Shape.ToArray().Select(d => (Dim)d).ToArray(),
                r.Value.Memory.ToArray())).ToArray();
        }
        catch (MoteException e)
        {
            report.Messages.Add($"not folded: {node.Describe()}: {e.Message}");
            return null;
        }
    }

    private static void Replace(ModelDef model, GraphDef graph, int index, TensorDef[] constants, PassReport report, string what)
    {
        graph.Nodes.RemoveAt(index);
        foreach (var c in constants)
            model.Add(c);
        report.Count(what);
    }
}
