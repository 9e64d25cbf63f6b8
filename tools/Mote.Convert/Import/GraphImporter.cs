using Mote.Convert.Onnx;
using Mote.Convert.Opset;
using Mote.Format;

namespace Mote.Convert.Import;

/// <summary>
/// Translates ONNX graphs (main graph and subgraphs) into <see cref="GraphDef"/>s of the one model:
/// initializers and Constant nodes become constant tensors, names are made unique model-wide, model
/// functions are inlined, and old operator forms are rewritten to the newest opset's.
/// </summary>
internal sealed class GraphImporter
{
    private readonly ImportContext _ctx;
    private readonly AttributeImporter _attributes;
    private readonly FunctionInliner _functions;

    public GraphImporter(ImportContext ctx)
    {
        _ctx = ctx;
        _attributes = new AttributeImporter(ctx, this);
        _functions = new FunctionInliner(ctx, this);
    }

    /// <summary>Imports <paramref name="g"/> with its own scope <paramref name="scope"/> (whose parent is the enclosing graph's).</summary>
    public GraphDef Import(GraphProto g, NameScope scope, ImportFrame frame, int depth)
    {
        bool isMain = scope.Parent is null && !scope.RenameAll;
        var graph = new GraphDef { Name = g.Name };
        var constants = new HashSet<string>(StringComparer.Ordinal);
        foreach (var init in g.Initializer)
        {
            string name = _ctx.Define(scope, init.Name, "an initializer");
            _ctx.Model.Add(_ctx.Tensors.Decode(init, name));
            constants.Add(init.Name);
        }
        foreach (var sparse in g.SparseInitializer)
        {
            string source = sparse.Values?.Name ?? "";
            string name = _ctx.Define(scope, source, "a sparse initializer");
            _ctx.Model.Add(_ctx.Sparse.Decode(sparse, name));
            constants.Add(source);
        }
        foreach (var input in g.Input)
        {
            if (constants.Contains(input.Name))
            {
                // Old exporters (IR < 4) list every initializer as an input too; it is a constant.
                _ctx.Report.Count("initializers also listed as graph inputs (kept as constants)");
                continue;
            }
            string name = _ctx.Define(scope, input.Name, "a graph input");
            var (type, shape) = _ctx.Types.Convert(input, "graph input");
            if (isMain && type == DataType.Undefined)
                throw _ctx.Error($"graph input '{input.Name}' has no element type");
            _ctx.Model.Add(new TensorDef(name, type, shape));
            graph.Inputs.Add(name);
        }
        for (int k = 0; k < g.Node.Count; k++)
            DefineOutputs(g.Node[k], k, scope);
        // Types known up front let opset rewrites pick constant types and ranks.
        foreach (var vi in g.ValueInfo)
            if (scope.IsLocal(vi.Name))
                ApplyValueInfo(scope.Resolve(vi.Name)!, vi, "value_info");
        foreach (var output in g.Output)
        {
            string name = output.Name.Length == 0
                ? throw _ctx.Error("a graph output has an empty name")
                : scope.Resolve(output.Name) ?? throw _ctx.Error($"graph output '{output.Name}' is not produced by any node, input or initializer");
            ApplyValueInfo(name, output, "graph output");
            graph.Outputs.Add(name);
        }

        var nodes = new List<NodeDef>(g.Node.Count);
        for (int k = 0; k < g.Node.Count; k++)
            Translate(g.Node[k], k, scope, frame, depth, nodes);
        graph.Nodes.AddRange(TopologicalOrder.Sort(nodes, _ctx));
        return graph;
    }

    /// <summary>Defines the non-empty outputs of <paramref name="node"/> in <paramref name="scope"/>.</summary>
    private void DefineOutputs(NodeProto node, int position, NameScope scope)
    {
        foreach (var o in node.Output)
            if (o.Length > 0)
            {
                _ctx.Model.Add(new TensorDef(_ctx.Define(scope, o, "a node output"), DataType.Undefined, null));
                scope.ProducedAt(o, position);
            }
    }

    /// <summary>Translates one node (a Constant, a function call, or an operator) and appends what it becomes to <paramref name="nodes"/>.</summary>
    public void Translate(NodeProto node, int position, NameScope scope, ImportFrame frame, int depth, List<NodeDef> nodes)
    {
        string domain = OperatorMap.IsDefaultDomain(node.Domain) ? "" : node.Domain;
        if (_ctx.Functions.TryGetValue(new FunctionKey(domain, node.OpType, node.Overload), out var function))
        {
            _functions.Inline(node, position, function, scope, frame, depth, nodes);
            return;
        }
        // Every translated node counts, emitted or not, so inlining bombs of constants or empty calls stop too.
        _ctx.CountNode();
        string label = UnsupportedOperators.Label(frame.NamePrefix + node.Name, node.Output);
        var attributes = _attributes.Convert(node, scope, frame, depth);
        var outputs = node.Output.Select(o => o.Length == 0 ? "" : scope.Resolve(o)!).ToList();
        if (domain.Length == 0 && node.OpType == "Constant")
        {
            if (outputs.Count != 1 || outputs[0].Length == 0)
                throw _ctx.Error($"Constant {label} must have exactly one output");
            _ctx.Model.Add(ConstantNode.ToTensor(outputs[0], attributes, label, _ctx));
            _ctx.Report.Count("Constant nodes turned into constant tensors");
            return;
        }
        if (outputs.Count == 0 || outputs.TrueForAll(o => o.Length == 0))
            throw _ctx.Error($"node {AttributeImporter.Describe(node)} has no outputs");
        var inputs = node.Input.Select(i => i.Length == 0 ? "" : scope.Resolve(i, position)
            ?? throw _ctx.Error($"node {AttributeImporter.Describe(node)} reads '{i}', which no input, initializer or node defines")).ToList();
        var op = domain.Length == 0 ? OperatorMap.Map(node.OpType) : OpType.Unknown;
        var def = new NodeDef(op, frame.NamePrefix + node.Name, inputs, outputs, attributes);
        EnsureTensors(def);
        if (op == OpType.Unknown)
        {
            _ctx.Unsupported.Add(domain.Length == 0 ? node.OpType : $"{domain}.{node.OpType}", label);
            nodes.Add(def);
            return;
        }
        int before = nodes.Count;
        OpsetRewrites.Apply(def, new RewriteContext(_ctx, frame.Opset), nodes);
        for (int i = before; i < nodes.Count; i++)
        {
            if (i > before)
                _ctx.CountNode();
            EnsureTensors(nodes[i]);
        }
    }

    /// <summary>Every output of a node has a tensor entry (type unknown until shape inference fills it).</summary>
    private void EnsureTensors(NodeDef node)
    {
        foreach (var o in node.Outputs)
            if (o.Length > 0 && !_ctx.Model.Tensors.ContainsKey(o))
                _ctx.Model.Add(new TensorDef(o, DataType.Undefined, null));
    }

    private void ApplyValueInfo(string name, ValueInfoProto vi, string what)
    {
        var (type, shape) = _ctx.Types.Convert(vi, what);
        if (!_ctx.Model.Tensors.TryGetValue(name, out var t))
            return;
        if (t.IsConstant)
            return; // an initializer's own type and dims are authoritative
        if (t.Type == DataType.Undefined)
            t.Type = type;
        if (t.Shape is null)
            t.Shape = shape;
    }
}
