using Mote.Format;

namespace Mote.Convert;

/// <summary>
/// Who produces and who reads each tensor, across the main graph and every subgraph (they share one
/// namespace). Built once per pass; a pass that edits the graph keeps its edits disjoint or rebuilds it.
/// </summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, (GraphDef Graph, NodeDef Node)> _producer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(GraphDef Graph, NodeDef Node)>> _readerNodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _graphOutputs = new(StringComparer.Ordinal);

    public GraphIndex(ModelDef model)
    {
        Model = model;
        foreach (var (graph, _) in Graphs(model.Graph))
        {
            foreach (var o in graph.Outputs)
                _graphOutputs.Add(o);
            foreach (var node in graph.Nodes)
            {
                foreach (var o in node.Outputs)
                    if (o.Length > 0)
                        _producer[o] = (graph, node);
                foreach (var i in node.Inputs)
                    if (i.Length > 0)
                    {
                        _readers[i] = _readers.GetValueOrDefault(i) + 1;
                        if (!_readerNodes.TryGetValue(i, out var list))
                            _readerNodes[i] = list = [];
                        if (list.Count == 0 || list[^1].Node != node)
                            list.Add((graph, node));
                    }
            }
        }
    }

    public ModelDef Model { get; }

    /// <summary>The main graph and all subgraphs, each with its depth (0 for the main graph).</summary>
    public static IEnumerable<(GraphDef Graph, int Depth)> Graphs(GraphDef root, int depth = 0)
    {
        yield return (root, depth);
        foreach (var node in root.Nodes)
            foreach (var a in node.Attributes)
                if (a.Graph is not null)
                    foreach (var g in Graphs(a.Graph, depth + 1))
                        yield return g;
    }

    /// <summary>The node producing <paramref name="tensor"/> and its graph, or null for inputs and constants.</summary>
    public (GraphDef Graph, NodeDef Node)? Producer(string tensor) => _producer.TryGetValue(tensor, out var p) ? p : null;

    /// <summary>How many node inputs (in any graph) read <paramref name="tensor"/>.</summary>
    public int Readers(string tensor) => _readers.GetValueOrDefault(tensor);

    /// <summary>The distinct nodes (in any graph) reading <paramref name="tensor"/>, each once however many of its inputs name it.</summary>
    public IReadOnlyList<(GraphDef Graph, NodeDef Node)> ReaderNodes(string tensor) =>
        _readerNodes.TryGetValue(tensor, out var list) ? list : [];

    /// <summary>The one node reading <paramref name="tensor"/> when exactly one node (in the same graph) does and the tensor is no graph output; else null.</summary>
    public NodeDef? SoleReader(string tensor, GraphDef graph) =>
        !IsGraphOutput(tensor) && ReaderNodes(tensor) is [var r] && r.Graph == graph ? r.Node : null;

    /// <summary>True when <paramref name="tensor"/> is an output of the main graph or of any subgraph.</summary>
    public bool IsGraphOutput(string tensor) => _graphOutputs.Contains(tensor);

    /// <summary>True when <paramref name="tensor"/> is read once and is no graph's output: its producer may be fused with its reader.</summary>
    public bool HasSingleReader(string tensor) => Readers(tensor) == 1 && !IsGraphOutput(tensor);

    /// <summary>The constant named <paramref name="tensor"/>, or null.</summary>
    public TensorDef? Constant(string tensor) =>
        tensor.Length > 0 && Model.Tensors.TryGetValue(tensor, out var t) && t.IsConstant ? t : null;
}
