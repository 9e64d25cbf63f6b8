using Mote.Format.Binary;

namespace Mote.Format;

/// <summary>
/// Decodes and checks the graph section: the tensor table, then the main graph with its nodes, attributes
/// and nested subgraphs (docs/format.md, "Graph section"). Data flow is checked while reading: every input
/// a node reads must already be available, and every tensor has at most one producer.
/// </summary>
internal sealed class GraphSectionReader
{
    // Op (2) + name length (4) + input, output and attribute counts (4 each).
    private const int MinNodeBytes = 18;
    // Name length (4) + one name byte + type (1) + the smallest payload (4).
    private const int MinAttributeBytes = 10;

    private readonly TensorDef[] _tensors;
    private readonly TensorScopes _scopes;

    private GraphSectionReader(TensorDef[] tensors)
    {
        _tensors = tensors;
        _scopes = new TensorScopes(tensors.Length);
    }

    public static GraphDef Read(SpanReader r, WeightsView weights, Dictionary<string, TensorDef> tensorsByName, bool allowTrailingBytes)
    {
        var tensors = TensorTableReader.Read(ref r, weights, tensorsByName);
        var reader = new GraphSectionReader(tensors);
        reader._scopes.Enter();
        for (int i = 0; i < tensors.Length; i++)
            if (tensors[i].IsConstant)
                reader._scopes.TryProduce(i);
        var graph = reader.ReadGraph(ref r, depth: 0);
        if (r.Remaining != 0 && !allowTrailingBytes)
            throw r.Error($"{r.Remaining} unexpected bytes after the end of the main graph");
        return graph;
    }

    private string Describe(int index) => $"'{_tensors[index].Name}'";

    /// <summary>Reads a u32 tensor index, rejecting one outside the table (and, unless allowed, the omitted marker).</summary>
    private int ReadIndex(ref SpanReader r, string what, bool allowOmitted)
    {
        int at = r.Position;
        uint index = r.ReadU32(what);
        if (index == MoteConstants.OmittedIndex && allowOmitted)
            return -1;
        if (index >= (uint)_tensors.Length)
            throw r.ErrorAt(at, $"{what} refers to tensor #{index}, but the table has {_tensors.Length} tensors");
        return (int)index;
    }

    private GraphDef ReadGraph(ref SpanReader r, int depth)
    {
        if (depth > MoteConstants.MaxGraphDepth)
            throw r.Error($"subgraphs are nested deeper than {MoteConstants.MaxGraphDepth} levels");
        var graph = new GraphDef { Name = r.ReadString("graph name") };
        string where = depth == 0 ? "the main graph" : $"subgraph '{graph.Name}'";
        _scopes.Enter();

        int inputs = r.ReadCount(4, "graph input");
        for (int i = 0; i < inputs; i++)
        {
            int at = r.Position;
            int t = ReadIndex(ref r, "graph input", allowOmitted: false);
            if (!_scopes.TryProduce(t))
                throw r.ErrorAt(at, $"input {Describe(t)} of {where} is already produced elsewhere (a constant, another graph input or a node output)");
            graph.Inputs.Add(_tensors[t].Name);
        }

        int outputs = r.ReadCount(4, "graph output");
        var outputIndices = new int[outputs];
        var outputPositions = new int[outputs];
        for (int i = 0; i < outputs; i++)
        {
            outputPositions[i] = r.Position;
            outputIndices[i] = ReadIndex(ref r, "graph output", allowOmitted: false);
            graph.Outputs.Add(_tensors[outputIndices[i]].Name);
        }

        int nodes = r.ReadCount(MinNodeBytes, "node");
        for (int i = 0; i < nodes; i++)
            graph.Nodes.Add(ReadNode(ref r, depth));

        for (int i = 0; i < outputs; i++)
            if (!_scopes.IsAvailable(outputIndices[i]))
                throw r.ErrorAt(outputPositions[i], $"output {Describe(outputIndices[i])} of {where} is not produced in that graph or an enclosing one");
        _scopes.Exit();
        return graph;
    }

    private NodeDef ReadNode(ref SpanReader r, int depth)
    {
        int at = r.Position;
        ushort opId = r.ReadU16("operator id");
        var op = (OpType)opId;
        if (op == OpType.Unknown || !Enum.IsDefined(op))
            throw r.ErrorAt(at, $"operator id {opId} is unknown to this build");
        string name = r.ReadString("node name");
        string who = string.IsNullOrEmpty(name) ? $"{op} node" : $"{op} node '{name}'";

        int inputCount = r.ReadCount(4, "node input");
        var inputs = new string[inputCount];
        for (int i = 0; i < inputCount; i++)
        {
            int inAt = r.Position;
            int t = ReadIndex(ref r, "node input", allowOmitted: true);
            if (t >= 0 && !_scopes.IsAvailable(t))
                throw r.ErrorAt(inAt, $"{who} input #{i} reads tensor {Describe(t)} before anything produces it");
            inputs[i] = t < 0 ? "" : _tensors[t].Name;
        }

        int outputCount = r.ReadCount(4, "node output");
        var outputIndices = new int[outputCount];
        var outputPositions = new int[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            outputPositions[i] = r.Position;
            outputIndices[i] = ReadIndex(ref r, "node output", allowOmitted: true);
        }

        int attributeCount = r.ReadCount(MinAttributeBytes, "attribute");
        var attributes = new AttributeDef[attributeCount];
        var attributeNames = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < attributeCount; i++)
        {
            int attrAt = r.Position;
            attributes[i] = ReadAttribute(ref r, who, depth);
            if (!attributeNames.Add(attributes[i].Name))
                throw r.ErrorAt(attrAt, $"{who} has two attributes named '{attributes[i].Name}'");
        }

        // Outputs become available only after the node, so its own subgraphs cannot read them.
        var outputs = new string[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            int t = outputIndices[i];
            if (t >= 0 && !_scopes.TryProduce(t))
                throw r.ErrorAt(outputPositions[i], $"{who} output #{i} {Describe(t)} is already produced elsewhere (a constant, a graph input or another node)");
            outputs[i] = t < 0 ? "" : _tensors[t].Name;
        }
        return new NodeDef(op, name, inputs, outputs, attributes);
    }

    private AttributeDef ReadAttribute(ref SpanReader r, string who, int depth)
    {
        int at = r.Position;
        string name = r.ReadString("attribute name");
        if (name.Length == 0)
            throw r.ErrorAt(at, $"{who} has an attribute with an empty name");
        int typeAt = r.Position;
        var type = (AttributeType)r.ReadU8("attribute type");
        switch (type)
        {
            case AttributeType.Int:
                return AttributeDef.FromInt(name, r.ReadI64("int attribute"));
            case AttributeType.Float:
                return AttributeDef.FromFloat(name, r.ReadF32("float attribute"));
            case AttributeType.String:
                return AttributeDef.FromString(name, r.ReadString("string attribute"));
            case AttributeType.Ints:
            {
                var v = new long[r.ReadCount(8, "ints attribute element")];
                for (int i = 0; i < v.Length; i++)
                    v[i] = r.ReadI64("ints attribute element");
                return AttributeDef.FromInts(name, v);
            }
            case AttributeType.Floats:
            {
                var v = new float[r.ReadCount(4, "floats attribute element")];
                for (int i = 0; i < v.Length; i++)
                    v[i] = r.ReadF32("floats attribute element");
                return AttributeDef.FromFloats(name, v);
            }
            case AttributeType.Strings:
            {
                var v = new string[r.ReadCount(4, "strings attribute element")];
                for (int i = 0; i < v.Length; i++)
                    v[i] = r.ReadString("strings attribute element");
                return AttributeDef.FromStrings(name, v);
            }
            case AttributeType.Tensor:
            {
                int tensorAt = r.Position;
                int t = ReadIndex(ref r, "tensor attribute", allowOmitted: false);
                if (!_tensors[t].IsConstant)
                    throw r.ErrorAt(tensorAt, $"attribute '{name}' of {who} references tensor {Describe(t)}, which is not a constant");
                return AttributeDef.FromTensor(name, _tensors[t]);
            }
            case AttributeType.Graph:
                return AttributeDef.FromGraph(name, ReadGraph(ref r, depth + 1));
            default:
                throw r.ErrorAt(typeAt, $"attribute '{name}' of {who} has unknown attribute type id {(int)type}");
        }
    }
}
