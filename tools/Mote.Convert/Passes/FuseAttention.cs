using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// Recognizes BERT-style multi-head self-attention as exporters write it and replaces it by one ONNX
/// Attention node (3-D form, f32):
/// <code>
/// Qh = Transpose(Reshape(Q, [B, S, H, d]), [0,2,1,3])        (K and V alike, over T positions)
/// Kᵀ = Transpose(Reshape(K, [B, T, H, d]), [0,2,3,1])        (or [0,2,1,3] then [0,1,3,2])
/// P  = Softmax(MatMul(Qh, Kᵀ) ⊘ c [+ mask], axis −1)         (⊘ c: Div by c, Mul by c, or nothing)
/// Y  = Reshape(Transpose(MatMul(P, Vh), [0,2,1,3]), [B, S, H·dv])
/// </code>
/// becomes <c>Y = Attention(Q, K, V, mask)</c> with <c>q_num_heads = kv_num_heads = H</c> and the
/// explicit <c>scale</c>. The projections producing Q, K and V stay as they are, and so does the
/// mask's computation: the mask, f32 with each dimension 1 or equal to [B, H, S, T]'s and its last
/// exactly T, becomes the fused operator's additive mask. Everything is checked against the inferred
/// shapes; a graph that differs in any perm, shape, axis or type is left alone.
/// </summary>
public sealed class FuseAttention : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "FuseAttention";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        foreach (var (graph, _) in GraphIndex.Graphs(model.Graph).ToList())
        {
            var p = new Pattern(graph, new GraphIndex(model));
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                var softmax = graph.Nodes[i];
                if (softmax.Op != OpType.Softmax || Match(softmax, p) is not { } m)
                    continue;
                if (!p.TryReplace(m.Nodes, m.Fused))
                {
                    report.Messages.Add($"skipped the attention around {softmax.Describe()}: an intermediate value is used elsewhere");
                    continue;
                }
                report.Count("attention blocks fused");
                i = graph.Nodes.IndexOf(m.Fused);
                p = new Pattern(graph, new GraphIndex(model));
            }
        }
    }

    private static (List<NodeDef> Nodes, NodeDef Fused)? Match(NodeDef softmax, Pattern p)
    {
        long axis = softmax.Attribute("axis")?.Int ?? -1;
        if (axis is not (-1 or 3))
            return null;
        var nodes = new List<NodeDef> { softmax };

        // Backward: [Add mask] ← [scale] ← MatMul(Qh, Kᵀ).
        string? mask = null;
        (NodeDef MatMul, double Scale)? scores = null;
        if (p.Producer(softmax.Input(0), OpType.Add) is { Inputs.Count: 2 } add)
        {
            for (int side = 0; side < 2 && scores is null; side++)
                if ((scores = Scores(add.Inputs[side], p, nodes)) is not null)
                    mask = add.Inputs[1 - side];
            if (scores is null)
                return null;
            nodes.Add(add);
        }
        else if ((scores = Scores(softmax.Input(0), p, nodes)) is null)
            return null;
        var qk = scores.Value.MatMul;
        if (Heads(qk.Input(0), [0, 2, 1, 3], p, nodes) is not { } q || KeysTransposed(qk.Input(1), p, nodes) is not { } k)
            return null;

        // Forward: MatMul(P, Vh) → Transpose [0,2,1,3] → Reshape to [B, S, H·dv].
        string probs = softmax.Outputs[0];
        if (p.Reader(probs, OpType.MatMul) is not { } pv || pv.Input(0) != probs || Heads(pv.Input(1), [0, 2, 1, 3], p, nodes) is not { } v)
            return null;
        if (p.Reader(pv.Outputs[0], OpType.Transpose) is not { } back || !HasPerm(back, [0, 2, 1, 3])
            || p.Reader(back.Outputs[0], OpType.Reshape) is not { } merge || merge.Input(0) != back.Outputs[0])
            return null;
        nodes.AddRange([pv, back, merge]);

        // Shapes: Q [B,S,H·d], K [B,T,H·d], V [B,T,H·dv], Y [B,S,H·dv]; mask within [B,H,S,T].
        if (q.Heads != k.Heads || q.Heads != v.Heads || q.Size != k.Size || q.Shape[0] != k.Shape[0] || k.Shape[0] != v.Shape[0] || k.Shape[1] != v.Shape[1])
            return null;
        var y = p.Shape(merge.Outputs[0]);
        if (y is not [var yb, var ys, var yd] || yb != q.Shape[0] || ys != q.Shape[1] || !yd.IsFixed || yd.Value != q.Heads * v.Size)
            return null;
        Dim[] full = [q.Shape[0], q.Heads, q.Shape[1], k.Shape[1]];
        if (mask is not null && (p.Type(mask) != DataType.Float32 || !MaskFits(p.Shape(mask), full)))
            return null;
        if (new[] { q.Input, k.Input, v.Input }.Any(t => p.Type(t) != DataType.Float32) || !p.ConstantsFit(nodes.Where(n => n.Op is OpType.Div or OpType.Mul), 4))
            return null;

        var fused = new NodeDef(OpType.Attention, softmax.Name.Length > 0 ? softmax.Name + ".attention" : "",
            mask is null ? [q.Input, k.Input, v.Input] : [q.Input, k.Input, v.Input, mask], [merge.Outputs[0]],
            [
                AttributeDef.FromInt("q_num_heads", q.Heads),
                AttributeDef.FromInt("kv_num_heads", k.Heads),
                AttributeDef.FromFloat("scale", (float)scores.Value.Scale),
            ]);
        return (nodes, fused);
    }

    /// <summary>MatMul(Qh, Kᵀ), optionally divided or multiplied by a constant: the MatMul and the scale it gets.</summary>
    private static (NodeDef MatMul, double Scale)? Scores(string tensor, Pattern p, List<NodeDef> nodes)
    {
        if (p.Producer(tensor, OpType.MatMul) is { } direct)
        {
            nodes.Add(direct);
            return (direct, 1);
        }
        if (p.Producer(tensor, OpType.Div, OpType.Mul) is not { Inputs.Count: 2 } scaled)
            return null;
        for (int side = 0; side < (scaled.Op == OpType.Div ? 1 : 2); side++)
            if (p.Producer(scaled.Inputs[side], OpType.MatMul) is { } mm && p.Scalar(scaled.Inputs[1 - side]) is { } c && c != 0 && double.IsFinite(c))
            {
                nodes.AddRange([scaled, mm]);
                return (mm, scaled.Op == OpType.Div ? 1 / c : c);
            }
        return null;
    }

    /// <summary>A projection split into heads: Reshape([B, L, H·d] → [B, L, H, d]) then Transpose by <paramref name="perm"/>.</summary>
    private readonly record struct HeadSplit(string Input, Dim[] Shape, int Heads, int Size);

    /// <summary>Transpose(Reshape(x, [B, L, H, d]), <paramref name="perm"/>) with x [B, L, H·d]; null otherwise.</summary>
    private static HeadSplit? Heads(string tensor, long[] perm, Pattern p, List<NodeDef> nodes)
    {
        if (p.Producer(tensor, OpType.Transpose) is not { } t || !HasPerm(t, perm) || p.Producer(t.Input(0), OpType.Reshape) is not { } r)
            return null;
        string x = r.Input(0);
        if (p.Shape(x) is not [var b, var l, var hd] || p.Shape(r.Outputs[0]) is not [var b2, var l2, var h, var d]
            || b2 != b || l2 != l || !h.IsFixed || !d.IsFixed || !hd.IsFixed || h.Value * d.Value != hd.Value || h.Value == 0 || d.Value == 0)
            return null;
        nodes.AddRange([t, r]);
        return new HeadSplit(x, [b, l], (int)h.Value, (int)d.Value);
    }

    /// <summary>Kᵀ per head: one Transpose [0,2,3,1] of the reshaped keys, or [0,2,1,3] followed by [0,1,3,2].</summary>
    private static HeadSplit? KeysTransposed(string tensor, Pattern p, List<NodeDef> nodes)
    {
        if (Heads(tensor, [0, 2, 3, 1], p, nodes) is { } direct)
            return direct;
        if (p.Producer(tensor, OpType.Transpose) is not { } swap || !HasPerm(swap, [0, 1, 3, 2]) || Heads(swap.Input(0), [0, 2, 1, 3], p, nodes) is not { } k)
            return null;
        nodes.Add(swap);
        return k;
    }

    private static bool HasPerm(NodeDef transpose, long[] perm) => transpose.Attribute("perm")?.Ints is { } ints && ints.AsSpan().SequenceEqual(perm);

    /// <summary>True when a mask of <paramref name="shape"/> broadcasts to <paramref name="full"/> [B, H, S, T] with its last dimension exactly T.</summary>
    private static bool MaskFits(Dim[]? shape, Dim[] full)
    {
        if (shape is null || shape.Length is < 1 or > 4 || shape[^1] != full[3])
            return false;
        for (int k = 0; k < shape.Length; k++)
        {
            var dim = shape[k];
            var target = full[4 - shape.Length + k];
            if (dim != target && !(dim.IsFixed && dim.Value == 1))
                return false;
        }
        return true;
    }
}
