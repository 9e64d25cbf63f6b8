using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// Rewrites <c>Add(MatMul(A, B), C)</c> as <c>Gemm(A, B, C)</c> when A is known to be 2-D, B is a
/// constant [K, N], C is a constant of shape [N], [1, N], [1] or scalar, the types agree, and the
/// MatMul output is read only by the Add. When A has more dimensions (a transformer's [batch, sequence, K]
/// activations), C is f32 of shape [N] and the types are f32, the Add instead becomes MatMul's third input, a
/// Mote extension (see docs/format.md) that adds C to every row as the GEMM stores it.
/// </summary>
public sealed class MatMulAddToGemm : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "MatMulAddToGemm";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        var index = new GraphIndex(model);
        foreach (var (graph, _) in GraphIndex.Graphs(model.Graph).ToList())
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                var add = graph.Nodes[i];
                if (add.Op != OpType.Add || add.Inputs.Count != 2)
                    continue;
                for (int side = 0; side < 2; side++)
                {
                    if (TryFuse(graph, add, add.Inputs[side], add.Inputs[1 - side], index) is not { } matmul)
                        continue;
                    graph.Nodes.RemoveAt(i--);
                    report.Count(matmul.Op == OpType.Gemm ? "MatMul+Add rewritten as Gemm" : "MatMul+Add bias fused into MatMul");
                    break;
                }
            }
    }

    private static NodeDef? TryFuse(GraphDef graph, NodeDef add, string y, string c, GraphIndex index)
    {
        if (index.Producer(y) is not { } p || p.Graph != graph || p.Node.Op != OpType.MatMul || !index.HasSingleReader(y))
            return null;
        var model = index.Model;
        var matmul = p.Node;
        var b = index.Constant(matmul.Input(1));
        var bias = index.Constant(c);
        if (b is null || bias is null || !b.HasFixedShape || b.Shape!.Length != 2 || !bias.HasFixedShape || b.Type != bias.Type || !b.Type.IsFloat())
            return null;
        if (!model.Tensors.TryGetValue(matmul.Input(0), out var a) || a.Shape is null || a.Shape.Length < 2 || (a.Type != DataType.Undefined && a.Type != b.Type))
            return null;
        long n = b.Shape[1].Value;
        if (a.Shape.Length > 2)
            return FuseBias(graph, add, matmul, y, bias, n, index);
        var cs = bias.FixedShape();
        bool fits = cs switch
        {
            [] => true,
            [var len] => len == n || len == 1,
            [1, var len] => len == n || len == 1,
            _ => false,
        };
        if (!fits)
            return null;
        var gemm = new NodeDef(OpType.Gemm, matmul.Name, [matmul.Input(0), b.Name, bias.Name], [add.Outputs[0]]);
        graph.Nodes[graph.Nodes.IndexOf(matmul)] = gemm;
        model.Tensors.Remove(y);
        return gemm;
    }

    // MatMul(A, B, bias): only a 1-D f32 bias of N values, so the Add broadcasts nothing but rows.
    private static NodeDef? FuseBias(GraphDef graph, NodeDef add, NodeDef matmul, string y, TensorDef bias, long n, GraphIndex index)
    {
        if (bias.Type != DataType.Float32 || bias.FixedShape() is not [var len] || len != n || matmul.Inputs.Count != 2
            || matmul.Attributes.Count != 0)
            return null;
        var fused = new NodeDef(OpType.MatMul, matmul.Name, [matmul.Input(0), matmul.Input(1), bias.Name], [add.Outputs[0]]);
        graph.Nodes[graph.Nodes.IndexOf(matmul)] = fused;
        index.Model.Tensors.Remove(y);
        return fused;
    }
}
