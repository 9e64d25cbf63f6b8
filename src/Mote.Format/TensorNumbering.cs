namespace Mote.Format;

/// <summary>
/// Assigns file indices to the tensors a (validated) model references, in a fixed traversal order so the
/// same model always gives the same file: for each graph, its inputs, then each node's inputs, attributes
/// (tensor attributes, then nested graphs depth-first) and outputs, then the graph's outputs. Tensors no
/// graph references get no index and are not written.
/// </summary>
internal sealed class TensorNumbering
{
    private readonly ModelDef _model;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<TensorDef> _tensors = [];

    private TensorNumbering(ModelDef model) => _model = model;

    /// <summary>Tensors in index order.</summary>
    public IReadOnlyList<TensorDef> Tensors => _tensors;

    /// <summary>The index of the tensor named <paramref name="name"/>.</summary>
    public uint IndexOf(string name) => (uint)_index[name];

    public static TensorNumbering Build(ModelDef model)
    {
        var n = new TensorNumbering(model);
        n.Visit(model.Graph);
        return n;
    }

    private void Visit(GraphDef graph)
    {
        foreach (var name in graph.Inputs)
            Add(name);
        foreach (var node in graph.Nodes)
        {
            foreach (var name in node.Inputs)
                Add(name);
            foreach (var a in node.Attributes)
            {
                if (a.Type == AttributeType.Tensor)
                    Add(a.Tensor!.Name);
                else if (a.Type == AttributeType.Graph)
                    Visit(a.Graph!);
            }
            foreach (var name in node.Outputs)
                Add(name);
        }
        foreach (var name in graph.Outputs)
            Add(name);
    }

    private void Add(string name)
    {
        if (name.Length == 0 || _index.ContainsKey(name))
            return;
        _index.Add(name, _tensors.Count);
        _tensors.Add(_model.Tensors[name]);
    }
}
