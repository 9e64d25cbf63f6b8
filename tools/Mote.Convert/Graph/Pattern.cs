using Mote.Format;

namespace Mote.Convert;

/// <summary>
/// Matching node patterns in one graph and replacing a match by one node, for the fusion passes. A
/// match is the set of nodes the replacement computes; its intermediate values (every output except
/// the replacement's) must be needed by nothing else. Exporters often also read an intermediate with
/// <c>Shape</c> only to compute a Reshape target inside the pattern (BERT's attention does); such
/// readers, and whatever they feed that ends in the pattern, are removed with it.
/// </summary>
internal sealed class Pattern(GraphDef graph, GraphIndex index)
{
    public GraphDef Graph { get; } = graph;

    public GraphIndex Index { get; } = index;

    public ModelDef Model => Index.Model;

    /// <summary>The node of this graph producing <paramref name="tensor"/> when its operator is <paramref name="op"/>.</summary>
    public NodeDef? Producer(string tensor, OpType op) =>
        Index.Producer(tensor) is { } p && p.Graph == Graph && p.Node.Op == op ? p.Node : null;

    /// <summary>The node of this graph producing <paramref name="tensor"/> when its operator is one of <paramref name="ops"/>.</summary>
    public NodeDef? Producer(string tensor, params ReadOnlySpan<OpType> ops) =>
        Index.Producer(tensor) is { } p && p.Graph == Graph && ops.Contains(p.Node.Op) ? p.Node : null;

    /// <summary>The only node reading <paramref name="tensor"/> when its operator is <paramref name="op"/> (and the tensor is no graph output).</summary>
    public NodeDef? SoleReader(string tensor, OpType op) =>
        Index.SoleReader(tensor, Graph) is { } r && r.Op == op ? r : null;

    /// <summary>
    /// The only node of this graph with one of the operators <paramref name="ops"/> that reads
    /// <paramref name="tensor"/> (readers of other kinds may exist: <see cref="TryReplace"/> decides
    /// whether they may go), or null.
    /// </summary>
    public NodeDef? Reader(string tensor, params ReadOnlySpan<OpType> ops)
    {
        NodeDef? found = null;
        foreach (var (g, n) in Index.ReaderNodes(tensor))
            if (g == Graph && ops.Contains(n.Op))
            {
                if (found is not null)
                    return null;
                found = n;
            }
        return found;
    }

    /// <summary>The value of a one-element numeric constant, or null.</summary>
    public double? Scalar(string tensor) => ModelEdit.Scalar(Index.Constant(tensor));

    /// <summary>The known shape of <paramref name="tensor"/>, or null.</summary>
    public Dim[]? Shape(string tensor) => Model.Tensors.TryGetValue(tensor, out var t) ? t.Shape : null;

    /// <summary>The element type of <paramref name="tensor"/> (Undefined when unknown).</summary>
    public DataType Type(string tensor) => Model.Tensors.TryGetValue(tensor, out var t) ? t.Type : DataType.Undefined;

    /// <summary>For a two-input node reading <paramref name="tensor"/>, its other input; null otherwise.</summary>
    public static string? Other(NodeDef binary, string tensor) =>
        binary.Inputs.Count != 2 ? null : binary.Inputs[0] == tensor ? binary.Inputs[1] : binary.Inputs[1] == tensor ? binary.Inputs[0] : null;

    /// <summary>The input of a two-input node that is a constant equal to <paramref name="value"/> (relative to float precision), with the other input; null when neither is.</summary>
    public (string Constant, string Other)? ConstantOperand(NodeDef binary, double value)
    {
        if (binary.Inputs.Count != 2)
            return null;
        for (int side = 0; side < 2; side++)
            if (Scalar(binary.Inputs[side]) is { } c && NearlyEqual(c, value))
                return (binary.Inputs[side], binary.Inputs[1 - side]);
        return null;
    }

    /// <summary>
    /// True when every constant input of <paramref name="nodes"/> has rank ≤ <paramref name="rank"/>, so
    /// that broadcasting against it cannot add dimensions to a value of that rank.
    /// </summary>
    public bool ConstantsFit(IEnumerable<NodeDef> nodes, int rank) =>
        nodes.All(n => n.Inputs.TrueForAll(i => Index.Constant(i) is not { } c || c.Shape is { } s && s.Length <= rank));

    /// <summary>True when <paramref name="a"/> is <paramref name="b"/> as written in float32 (exporters store constants like √2 that way).</summary>
    public static bool NearlyEqual(double a, double b) => Math.Abs(a - b) <= 1e-6 * Math.Abs(b);

    /// <summary>
    /// Replaces the nodes of <paramref name="match"/> by <paramref name="replacement"/>, placed where the
    /// node producing its first output was. False (and nothing changed) when an intermediate is a graph
    /// output or is read outside the match other than by removable shape computations.
    /// </summary>
    public bool TryReplace(IReadOnlyCollection<NodeDef> match, NodeDef replacement)
    {
        var inMatch = new HashSet<NodeDef>(match, ReferenceEqualityComparer.Instance);
        var kept = new HashSet<string>(replacement.Outputs, StringComparer.Ordinal);
        var cone = new HashSet<NodeDef>(ReferenceEqualityComparer.Instance);
        var visited = new Dictionary<NodeDef, bool>(ReferenceEqualityComparer.Instance);
        foreach (var node in match)
            foreach (var o in node.Outputs)
                if (o.Length > 0 && !kept.Contains(o) && !Feeds(o, inMatch, cone, visited))
                    return false;
        int at = Graph.Nodes.FindIndex(n => inMatch.Contains(n) && n.Outputs.Contains(replacement.Outputs[0]));
        if (at < 0)
            return false;
        Graph.Nodes[at] = replacement;
        inMatch.UnionWith(cone);
        foreach (var node in inMatch)
            foreach (var o in node.Outputs)
                if (o.Length > 0 && !kept.Contains(o))
                    Model.Tensors.Remove(o);
        Graph.Nodes.RemoveAll(inMatch.Contains);
        return true;
    }

    /// <summary>
    /// True when everything that reads <paramref name="tensor"/> is in the match or is a node of this
    /// graph whose outputs, in turn, only feed the match (collected in <paramref name="cone"/>).
    /// </summary>
    private bool Feeds(string tensor, HashSet<NodeDef> match, HashSet<NodeDef> cone, Dictionary<NodeDef, bool> visited)
    {
        if (Index.IsGraphOutput(tensor))
            return false;
        foreach (var (g, reader) in Index.ReaderNodes(tensor))
        {
            if (match.Contains(reader))
                continue;
            if (g != Graph || reader.Attributes.Exists(a => a.Graph is not null))
                return false;
            if (!visited.TryGetValue(reader, out bool ok))
            {
                visited[reader] = false;
                ok = reader.Outputs.TrueForAll(o => o.Length == 0 || Feeds(o, match, cone, visited));
                visited[reader] = ok;
                if (ok)
                    cone.Add(reader);
            }
            if (!ok)
                return false;
        }
        return true;
    }
}
