using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// Recognizes layer normalization written out with elementary operators, as PyTorch and TensorFlow
/// export it before opset 17:
/// <c>d = x − ReduceMean(x); y = d / Sqrt(ReduceMean(d²) + eps)</c> (d² as <c>Pow(d, 2)</c> or
/// <c>Mul(d, d)</c>; the division also as <c>Mul(d, Reciprocal(…))</c>), optionally followed by
/// <c>Mul(y, gamma)</c> and <c>Add(…, beta)</c>, and replaces it by one LayerNormalization. Both
/// means must reduce the same trailing axes (keepdims), which become the operator's <c>axis</c>; eps,
/// gamma and beta must be constants, gamma and beta broadcastable within the normalized dimensions.
/// Without gamma a scale of ones is supplied. The x type must be f32 or f64.
/// </summary>
public sealed class FuseLayerNorm : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "FuseLayerNorm";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        foreach (var (graph, _) in GraphIndex.Graphs(model.Graph).ToList())
        {
            var p = new Pattern(graph, new GraphIndex(model));
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                if (Match(graph.Nodes[i], p) is not { } m)
                    continue;
                if (!p.TryReplace(m.Nodes, m.Fused))
                {
                    report.Messages.Add($"skipped the layer normalization ending at {graph.Nodes[i].Describe()}: an intermediate value is used elsewhere");
                    continue;
                }
                foreach (var t in m.Added)
                    model.Add(t);
                report.Count("LayerNormalization patterns fused");
                i = graph.Nodes.IndexOf(m.Fused);
                p = new Pattern(graph, new GraphIndex(model));
            }
        }
    }

    /// <summary>The pattern whose normalizing division (or reciprocal multiply) is <paramref name="div"/>, and its replacement.</summary>
    private static (List<NodeDef> Nodes, NodeDef Fused, List<TensorDef> Added)? Match(NodeDef div, Pattern p)
    {
        if (div.Inputs.Count != 2 || div.Op is not (OpType.Div or OpType.Mul))
            return null;
        var nodes = new List<NodeDef> { div };
        // Div(d, Sqrt(v + eps)), or Mul(d, Reciprocal(Sqrt(v + eps))) in either order.
        NodeDef? sqrt = null;
        string d = "";
        for (int side = 0; side < (div.Op == OpType.Div ? 1 : 2) && sqrt is null; side++)
        {
            d = div.Inputs[side];
            string s = div.Inputs[1 - side];
            if (div.Op == OpType.Div)
                sqrt = p.Producer(s, OpType.Sqrt);
            else if (p.Producer(s, OpType.Reciprocal) is { } recip && p.Producer(recip.Input(0), OpType.Sqrt) is { } sq)
            {
                nodes.Add(recip);
                sqrt = sq;
            }
        }
        if (sqrt is null || p.Producer(d, OpType.Sub) is not { } sub || sub.Input(1).Length == 0
            || p.Producer(sub.Input(1), OpType.ReduceMean) is not { } mean || mean.Input(0) != sub.Input(0))
            return null;
        string x = sub.Input(0);
        if (p.Producer(sqrt.Input(0), OpType.Add) is not { } addEps || addEps.Inputs.Count != 2)
            return null;
        NodeDef? variance = null;
        double eps = 0;
        for (int side = 0; side < 2 && variance is null; side++)
            if (p.Producer(addEps.Inputs[side], OpType.ReduceMean) is { } v && p.Scalar(addEps.Inputs[1 - side]) is { } e)
                (variance, eps) = (v, e);
        if (variance is null)
            return null;
        if (!IsSquareOf(variance.Input(0), d, p, out var square))
            return null;
        var xShape = p.Shape(x);
        var type = p.Type(x);
        if (xShape is null || type is not (DataType.Float32 or DataType.Float64) || xShape.Length == 0)
            return null;
        if (TrailingAxis(mean, xShape.Length, p) is not { } axis || TrailingAxis(variance, xShape.Length, p) != axis)
            return null;
        var row = xShape[axis..];
        if (!row.All(dim => dim.IsFixed))
            return null;
        nodes.AddRange([sub, mean, square, variance, addEps, sqrt]);
        if (!p.ConstantsFit(nodes.Where(n => n.Op is not OpType.ReduceMean), xShape.Length))
            return null;

        // Optional affine tail: Mul(·, gamma), then Add(·, beta).
        string y = div.Outputs[0];
        TensorDef? gamma = null, beta = null;
        var added = new List<TensorDef>();
        if (p.SoleReader(y, OpType.Mul) is { } mul && Pattern.Other(mul, y) is { } g && Parameter(g, row, xShape.Length, type, p, added) is { } gt)
        {
            gamma = gt;
            nodes.Add(mul);
            y = mul.Outputs[0];
        }
        if (p.SoleReader(y, OpType.Add) is { } add && Pattern.Other(add, y) is { } b && Parameter(b, row, xShape.Length, type, p, added) is { } bt)
        {
            beta = bt;
            nodes.Add(add);
            y = add.Outputs[0];
        }
        var model = p.Model;
        long[] rowShape = row.Select(dim => dim.Value).ToArray();
        if (gamma is null)
        {
            gamma = TensorData.Create(ModelEdit.FreshName(model, (div.Name.Length > 0 ? div.Name : x) + ".ones"), type, rowShape,
                Enumerable.Repeat(1.0, (int)rowShape.Aggregate(1L, (a, b) => a * b)).ToArray());
            added.Add(gamma);
        }
        var fused = new NodeDef(OpType.LayerNormalization, div.Name.Length > 0 ? div.Name + ".layernorm" : "", [x, gamma.Name, beta?.Name ?? ""], [y],
            [AttributeDef.FromInt("axis", axis - xShape.Length), AttributeDef.FromFloat("epsilon", (float)eps)]);
        if (beta is null)
            fused.Inputs.RemoveAt(2);
        return (nodes, fused, added);
    }

    /// <summary>True when <paramref name="tensor"/> is d² computed as Pow(d, 2) or Mul(d, d).</summary>
    private static bool IsSquareOf(string tensor, string d, Pattern p, out NodeDef square)
    {
        square = null!;
        if (p.Producer(tensor, OpType.Pow, OpType.Mul) is not { } n)
            return false;
        square = n;
        return n.Op == OpType.Pow
            ? n.Input(0) == d && p.Scalar(n.Input(1)) == 2
            : n.Inputs.Count == 2 && n.Inputs[0] == d && n.Inputs[1] == d;
    }

    /// <summary>
    /// The first axis of a ReduceMean (keepdims) over the trailing axes <c>[axis, rank)</c> of a rank
    /// <paramref name="rank"/> input, or null for any other reduction.
    /// </summary>
    private static int? TrailingAxis(NodeDef reduce, int rank, Pattern p)
    {
        if (reduce.Attribute("keepdims") is { Int: 0 })
            return null;
        long[] axes;
        if (reduce.Input(1).Length == 0)
        {
            if (reduce.Attribute("noop_with_empty_axes") is { Int: not 0 })
                return null;
            axes = Enumerable.Range(0, rank).Select(a => (long)a).ToArray();
        }
        else if (p.Index.Constant(reduce.Input(1)) is { } t && t.Type == DataType.Int64)
            axes = TensorData.ToDoubles(t).Select(v => (long)v).ToArray();
        else
            return null;
        var normalized = axes.Select(a => a < 0 ? a + rank : a).Order().ToArray();
        if (normalized.Length == 0 || normalized.Distinct().Count() != normalized.Length || normalized[^1] != rank - 1
            || normalized[0] < 0 || normalized[^1] - normalized[0] != normalized.Length - 1)
            return null;
        return (int)normalized[0];
    }

    /// <summary>
    /// Gamma or beta as the operator wants it: a constant of <paramref name="type"/> whose dimensions
    /// outside the normalized <paramref name="row"/> are 1 and inside it are 1 or the row's, reshaped to
    /// the row's rank when it has more dimensions (a new tensor, listed in <paramref name="added"/>);
    /// null when <paramref name="name"/> is anything else.
    /// </summary>
    private static TensorDef? Parameter(string name, Dim[] row, int rank, DataType type, Pattern p, List<TensorDef> added)
    {
        if (p.Index.Constant(name) is not { } t || t.Type != type || !t.HasFixedShape)
            return null;
        var shape = t.FixedShape();
        if (shape.Length > rank)
            return null;
        int lead = rank - row.Length;
        for (int k = 0; k < shape.Length; k++)
        {
            int at = rank - shape.Length + k;
            if (shape[k] != 1 && (at < lead || shape[k] != row[at - lead].Value))
                return null;
        }
        if (shape.Length <= row.Length)
            return t;
        var trimmed = shape[(shape.Length - row.Length)..];
        var reshaped = new TensorDef(ModelEdit.FreshName(p.Model, t.Name), t.Type, trimmed.Select(Dim.Fixed).ToArray(), t.Data);
        added.Add(reshaped);
        return reshaped;
    }
}
