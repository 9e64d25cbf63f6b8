using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Kernels;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators;

namespace Mote.Runtime.Graph;

/// <summary>How a value enters the graph.</summary>
internal enum ValueKind : byte
{
    /// <summary>Fed by the caller.</summary>
    Input,
    /// <summary>Weights or other data stored in the model.</summary>
    Constant,
    /// <summary>Produced by a node.</summary>
    Computed,
}

/// <summary>A tensor of the session graph.</summary>
internal sealed class ValueSlot(string name, ValueKind kind, TensorDef? def)
{
    public string Name { get; } = name;

    public ValueKind Kind { get; } = kind;

    /// <summary>The model's declaration (type, declared shape); null for values the model never described.</summary>
    public TensorDef? Def { get; } = def;

    /// <summary>For constants: the data as operators see it (16-bit floats already widened to f32).</summary>
    public TensorValue Constant { get; set; }
}

/// <summary>A node of the session graph with its operator and value ids (-1 for an omitted optional).</summary>
internal sealed class NodeSlot(Operator op, int[] inputs, int[] outputs)
{
    public Operator Op { get; } = op;

    public int[] Inputs { get; } = inputs;

    public int[] Outputs { get; } = outputs;

    /// <summary>Values of enclosing graphs that the node's subgraphs read (If/Loop/Scan); they must stay alive until it runs.</summary>
    public int[] ImplicitInputs { get; init; } = [];
}

/// <summary>
/// The model prepared for execution: values numbered densely, constants pinned and widened to their
/// compute type, one operator per node with its weights packed. Built once per session.
/// </summary>
internal sealed class SessionGraph : IDisposable
{
    private readonly List<MemoryHandle> _pins = [];
    private readonly List<float[]> _owned = [];

    private SessionGraph() { }

    public ValueSlot[] Values { get; private set; } = [];

    public NodeSlot[] Nodes { get; private set; } = [];

    public int[] Inputs { get; private set; } = [];

    public int[] Outputs { get; private set; } = [];

    public Dictionary<string, int> Ids { get; } = new(StringComparer.Ordinal);

    public int MaxInputs { get; private set; }

    public int MaxOutputs { get; private set; }

    /// <summary>The element type operators compute in for a declared type: 16-bit floats compute as f32.</summary>
    public static DataType ComputeType(DataType declared) =>
        declared is DataType.Float16 or DataType.BFloat16 ? DataType.Float32 : declared;

    /// <summary>
    /// For a subgraph: the names of enclosing-graph values it reads (appended to <see cref="Inputs"/>
    /// after its formal inputs, in this order). Empty for the main graph.
    /// </summary>
    public string[] ImplicitInputNames { get; private set; } = [];

    /// <summary>The main graph's session graph, which owns every pinned constant; this graph itself for the main graph.</summary>
    public SessionGraph Root { get; private set; } = null!;

    public static SessionGraph Build(ModelDef model, KernelSet kernels, SessionOptions options) =>
        Build(model, model.Graph, null, kernels, options);

    /// <summary>Builds the session graph of <paramref name="graph"/>: the main graph when <paramref name="root"/> is null, else a subgraph whose constants come from <paramref name="root"/>.</summary>
    public static SessionGraph Build(ModelDef model, GraphDef graph, SessionGraph? root, KernelSet kernels, SessionOptions options)
    {
        var g = new SessionGraph();
        g.Root = root ?? g;
        try
        {
            if (root is null)
                g.BuildValues(model);
            else
                g.BuildSubgraphValues(model, graph, root);
            g.BuildNodes(model, graph, kernels, options);
            return g;
        }
        catch
        {
            g.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A subgraph's values: its formal inputs, then the enclosing values it (or a nested subgraph)
    /// reads, then constants (shared with the root, not pinned again), then node outputs.
    /// </summary>
    private void BuildSubgraphValues(ModelDef model, GraphDef graph, SessionGraph root)
    {
        var values = new List<ValueSlot>();
        int Add(string name, ValueKind kind)
        {
            model.Tensors.TryGetValue(name, out var def);
            values.Add(new ValueSlot(name, kind, def));
            Ids[name] = values.Count - 1;
            return values.Count - 1;
        }
        var inputs = graph.Inputs.Select(n => Add(n, ValueKind.Input)).ToList();
        var produced = new HashSet<string>(graph.Inputs, StringComparer.Ordinal);
        foreach (var node in graph.AllNodes())
            produced.UnionWith(node.Outputs);
        foreach (var a in graph.AllNodes().SelectMany(n => n.Attributes).Where(a => a.Graph is not null))
            produced.UnionWith(a.Graph!.Inputs);
        var implicitNames = new List<string>();
        foreach (var name in graph.AllNodes().SelectMany(n => n.Inputs).Concat(graph.Outputs))
        {
            if (name.Length == 0 || produced.Contains(name) || Ids.ContainsKey(name))
                continue;
            if (root.Ids.TryGetValue(name, out int rid) && root.Values[rid].Kind == ValueKind.Constant)
            {
                int id = Add(name, ValueKind.Constant);
                values[id].Constant = root.Values[rid].Constant;
                continue;
            }
            implicitNames.Add(name);
            inputs.Add(Add(name, ValueKind.Input));
        }
        foreach (var node in graph.Nodes)
            foreach (var o in node.Outputs)
                if (o.Length > 0)
                {
                    if (Ids.ContainsKey(o))
                        throw new MoteFormatException($"tensor '{o}' is produced twice ({node.Describe()})");
                    Add(o, ValueKind.Computed);
                }
        Values = [.. values];
        Inputs = [.. inputs];
        ImplicitInputNames = [.. implicitNames];
    }

    private void BuildValues(ModelDef model)
    {
        var values = new List<ValueSlot>();
        int Add(string name, ValueKind kind)
        {
            if (Ids.TryGetValue(name, out int id))
                return id;
            model.Tensors.TryGetValue(name, out var def);
            values.Add(new ValueSlot(name, kind, def));
            Ids[name] = values.Count - 1;
            return values.Count - 1;
        }

        // Constants first: an initializer that is also listed as an input stays a constant.
        foreach (var t in model.Tensors.Values)
            if (t.IsConstant)
                Add(t.Name, ValueKind.Constant);
        var inputs = new List<int>();
        foreach (var name in model.Graph.Inputs)
        {
            int id = Add(name, ValueKind.Input);
            if (values[id].Kind == ValueKind.Input)
            {
                if (values[id].Def is null)
                    throw new MoteFormatException($"graph input '{name}' has no tensor declaration");
                inputs.Add(id);
            }
        }
        foreach (var node in model.Graph.Nodes)
            foreach (var o in node.Outputs)
                if (o.Length > 0)
                {
                    if (Ids.ContainsKey(o))
                        throw new MoteFormatException($"tensor '{o}' is produced twice ({node.Describe()})");
                    Add(o, ValueKind.Computed);
                }
        Values = [.. values];
        Inputs = [.. inputs];
        foreach (var slot in Values)
            if (slot.Kind == ValueKind.Constant)
                slot.Constant = PinConstant(slot.Def!);
    }

    private void BuildNodes(ModelDef model, GraphDef graph, KernelSet kernels, SessionOptions options)
    {
        var unsupported = graph.AllNodes().Where(n => !OperatorRegistry.IsSupported(n.Op)).ToList();
        if (unsupported.Count > 0)
            throw new MoteNotSupportedException("unsupported operators: " + string.Join("; ",
                unsupported.GroupBy(n => n.Op).Select(grp => $"{grp.Key} ({grp.Count()} node{(grp.Count() == 1 ? "" : "s")}: {string.Join(", ", grp.Select(n => n.Name).Take(5))})")));

        var build = new BuildContext(model, this, kernels, options);
        var nodes = new List<NodeSlot>();
        foreach (var node in graph.Nodes)
        {
            var ins = node.Inputs.Select(n => n.Length == 0 ? -1 : Ids.TryGetValue(n, out int id) ? id
                : throw new MoteFormatException($"{node.Describe()} reads tensor '{n}', which nothing produces")).ToArray();
            var outs = node.Outputs.Select(n => n.Length == 0 ? -1 : Ids[n]).ToArray();
            Operator op;
            try
            {
                op = OperatorRegistry.Create(node, build);
            }
            catch (MoteException e) when (e is not MoteFormatException)
            {
                throw new MoteNotSupportedException($"{node.Describe()}: {e.Message}");
            }
            // Values of this graph that the node's subgraphs read must outlive the node's step.
            var outer = op.OuterNames.Select(n => Ids.TryGetValue(n, out int id) ? id
                : throw new MoteFormatException($"{node.Describe()}: its subgraph reads '{n}', which nothing produces")).ToArray();
            nodes.Add(new NodeSlot(op, ins, outs) { ImplicitInputs = outer });
            MaxInputs = Math.Max(MaxInputs, ins.Length);
            MaxOutputs = Math.Max(MaxOutputs, outs.Length);
        }
        Nodes = [.. nodes];
        Outputs = graph.Outputs.Select(n => Ids.TryGetValue(n, out int id) ? id
            : throw new MoteFormatException($"graph output '{n}' is never produced")).ToArray();
    }

    private unsafe TensorValue PinConstant(TensorDef def)
    {
        var shape = def.FixedShape().Select(d => checked((int)d)).ToArray();
        var data = def.Data!.Value;
        long count = ShapeMath.Count(shape);
        if (data.Length != count * def.Type.Size())
            throw new MoteFormatException($"constant '{def.Name}' holds {data.Length} bytes, its shape {ShapeMath.Format(shape)} needs {count * def.Type.Size()}");
        if (def.Type is DataType.Float16 or DataType.BFloat16)
        {
            var wide = GC.AllocateUninitializedArray<float>(checked((int)count), pinned: true);
            Widen(def.Type, data.Span, wide);
            // Only a raw pointer escapes: the graph must keep the array reachable or the GC frees it.
            _owned.Add(wide);
            return new TensorValue(DataType.Float32, shape, Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(wide)));
        }
        var handle = data.Pin();
        _pins.Add(handle);
        return new TensorValue(def.Type, shape, handle.Pointer);
    }

    /// <summary>Widens f16/bf16 little-endian bytes to f32.</summary>
    public static void Widen(DataType type, ReadOnlySpan<byte> src, Span<float> dst)
    {
        if (type == DataType.Float16)
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(src), dst);
            return;
        }
        var bf = MemoryMarshal.Cast<byte, ushort>(src);
        var bits = MemoryMarshal.Cast<float, uint>(dst);
        for (int i = 0; i < bf.Length; i++)
            bits[i] = (uint)bf[i] << 16;
    }

    public void Dispose()
    {
        foreach (var p in _pins)
            p.Dispose();
        _pins.Clear();
        foreach (var n in Nodes)
            (n.Op as IDisposable)?.Dispose();
    }
}
