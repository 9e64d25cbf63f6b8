namespace Mote.Format;

/// <summary>
/// Checks a <see cref="ModelDef"/> against every rule a reader applies to a file (docs/format.md,
/// "Validation"), so the writer never produces a file that fails to load. Tensors nothing references
/// are not checked: the writer drops them.
/// </summary>
internal sealed class ModelValidator
{
    private readonly ModelDef _model;
    private readonly HashSet<string> _checked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _produced = new(StringComparer.Ordinal);
    private readonly HashSet<string> _available = new(StringComparer.Ordinal);
    private readonly List<string> _scopeStack = [];

    private ModelValidator(ModelDef model) => _model = model;

    /// <summary>Validates <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The model breaks a rule; the message names the tensor, node or attribute.</exception>
    public static void Validate(ModelDef model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Graph is null)
            throw Fail("the model has no main graph");
        new ModelValidator(model).ValidateGraph(model.Graph, depth: 0);
        ValidateMetadata(model.Metadata);
    }

    private static ArgumentException Fail(string message) => new($"cannot write the model: {message}", "model");

    private static void ValidateMetadata(ModelMetadata? metadata)
    {
        if (metadata is null)
            throw Fail("the model has no metadata object");
        if (metadata.SourceSha256 is null || (metadata.SourceSha256.Length != 0 && metadata.SourceSha256.Length != MoteConstants.Sha256Length))
            throw Fail($"the source SHA-256 must be empty or {MoteConstants.Sha256Length} bytes (got {metadata.SourceSha256?.Length.ToString() ?? "null"})");
        if (metadata.Producer is null || metadata.ProducerVersion is null)
            throw Fail("producer and producer version must not be null");
        foreach (var o in metadata.Opsets)
            if (o?.Domain is null)
                throw Fail("an opset import has a null domain");
        foreach (var p in metadata.Properties)
            if (p.Key is null || p.Value is null)
                throw Fail("a metadata property has a null key or value");
    }

    private void ValidateGraph(GraphDef graph, int depth)
    {
        string where = depth == 0 ? "the main graph" : $"subgraph '{graph.Name}'";
        if (depth > MoteConstants.MaxGraphDepth)
            throw Fail($"{where} is nested deeper than {MoteConstants.MaxGraphDepth} levels");
        int scopeMark = _scopeStack.Count;
        foreach (var name in graph.Inputs)
        {
            Require(name, $"input of {where}");
            Produce(name, $"input of {where}");
        }
        foreach (var node in graph.Nodes)
            ValidateNode(node, depth);
        foreach (var name in graph.Outputs)
        {
            Require(name, $"output of {where}");
            if (!IsAvailable(name))
                throw Fail($"output '{name}' of {where} is not produced in that graph or an enclosing one");
        }
        for (int i = scopeMark; i < _scopeStack.Count; i++)
            _available.Remove(_scopeStack[i]);
        _scopeStack.RemoveRange(scopeMark, _scopeStack.Count - scopeMark);
    }

    private void ValidateNode(NodeDef node, int depth)
    {
        if (node is null)
            throw Fail("a graph holds a null node");
        string who = Describe(node);
        if (node.Op == OpType.Unknown || !Enum.IsDefined(node.Op))
            throw Fail($"{who} has operator id {(int)node.Op}, which is not defined in OpType");
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            var name = node.Inputs[i];
            if (name is null)
                throw Fail($"{who} input #{i} is null (use \"\" for an omitted optional input)");
            if (name.Length == 0)
                continue;
            Require(name, $"input #{i} of {who}");
            if (!IsAvailable(name))
                throw Fail($"{who} input #{i} reads tensor '{name}' before anything produces it (not a graph input, constant, or output of an earlier node)");
        }
        var attributeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in node.Attributes)
        {
            if (a is null || string.IsNullOrEmpty(a.Name))
                throw Fail($"{who} has an attribute without a name");
            if (!attributeNames.Add(a.Name))
                throw Fail($"{who} has two attributes named '{a.Name}'");
            ValidateAttribute(a, $"attribute '{a.Name}' of {who}", depth);
        }
        for (int i = 0; i < node.Outputs.Count; i++)
        {
            var name = node.Outputs[i];
            if (name is null)
                throw Fail($"{who} output #{i} is null (use \"\" for an omitted optional output)");
            if (name.Length == 0)
                continue;
            Require(name, $"output #{i} of {who}");
            Produce(name, who);
        }
    }

    private static string Describe(NodeDef node) =>
        !string.IsNullOrEmpty(node.Name) ? $"node {node.Op} '{node.Name}'"
        : $"unnamed {node.Op} node" + (node.Outputs.Find(o => !string.IsNullOrEmpty(o)) is { } o ? $" producing '{o}'" : "");

    private void ValidateAttribute(AttributeDef a, string what, int depth)
    {
        bool present = a.Type switch
        {
            AttributeType.Int or AttributeType.Float => true,
            AttributeType.String => a.String is not null,
            AttributeType.Ints => a.Ints is not null,
            AttributeType.Floats => a.Floats is not null,
            AttributeType.Strings => a.Strings is not null && a.Strings.All(s => s is not null),
            AttributeType.Tensor => a.Tensor is not null,
            AttributeType.Graph => a.Graph is not null,
            _ => throw Fail($"{what} has unknown attribute type {(int)a.Type}"),
        };
        if (!present)
            throw Fail($"{what} has no value");
        if (a.Type == AttributeType.Tensor)
        {
            var t = a.Tensor!;
            Require(t.Name, what);
            if (!ReferenceEquals(_model.Tensors[t.Name], t))
                throw Fail($"{what} holds a tensor '{t.Name}' that is not the model's tensor of that name (tensor attributes must reference the tensor table)");
            if (!t.IsConstant)
                throw Fail($"{what} references tensor '{t.Name}', which is not a constant");
        }
        else if (a.Type == AttributeType.Graph)
            ValidateGraph(a.Graph!, depth + 1);
    }

    private bool IsAvailable(string name) => _model.Tensors[name].IsConstant || _available.Contains(name);

    private void Produce(string name, string producer)
    {
        if (_model.Tensors[name].IsConstant)
            throw Fail($"tensor '{name}' is a constant and cannot also be produced by {producer}");
        if (!_produced.Add(name))
            throw Fail($"tensor '{name}' has more than one producer (the second is {producer})");
        _available.Add(name);
        _scopeStack.Add(name);
    }

    /// <summary>Requires <paramref name="name"/> in the tensor table and checks that tensor once.</summary>
    private void Require(string name, string usedAs)
    {
        if (string.IsNullOrEmpty(name))
            throw Fail($"{usedAs} has an empty tensor name");
        if (!_model.Tensors.TryGetValue(name, out var t) || t is null)
            throw Fail($"{usedAs} references tensor '{name}', which is missing from the model's tensor table");
        if (_checked.Add(name))
            ValidateTensor(name, t);
    }

    private static void ValidateTensor(string key, TensorDef t)
    {
        if (t.Name != key)
            throw Fail($"the tensor table maps '{key}' to a tensor named '{t.Name}'");
        // Type 0 (unknown) is allowed for computed values only: the runtime infers their types itself.
        bool unknownOk = t.Type == DataType.Undefined && !t.IsConstant && t.Quant is null;
        if (!DataTypeInfo.IsValid(t.Type) && !unknownOk)
            throw Fail($"tensor '{key}' has unknown data type id {(int)t.Type}");
        var shape = t.Shape;
        if (shape is not null)
        {
            if (shape.Length > MoteConstants.MaxRank)
                throw Fail($"tensor '{key}' has rank {shape.Length}, above the limit of {MoteConstants.MaxRank}");
            if (!unknownOk && ShapeMath.IsFullyFixed(shape) && !(ShapeMath.TryElementCount(shape, out long n) && ShapeMath.TryByteSize(n, t.Type.Size(), out _)))
                throw Fail($"tensor '{key}' has shape {Dim.Format(shape)} whose byte size overflows 64 bits");
        }
        if (t.Quant is { } q)
            ValidateQuant(key, shape, q);
        if (t.Data is { } data)
        {
            if (!ShapeMath.IsFullyFixed(shape))
                throw Fail($"constant '{key}' must have a fixed shape (has {Dim.Format(shape)})");
            ShapeMath.TryElementCount(shape!, out long count);
            ShapeMath.TryByteSize(count, t.Type.Size(), out long bytes);
            if (data.Length != bytes)
                throw Fail($"constant '{key}' has {data.Length} bytes of data but {t.Type.ShortName()}{Dim.Format(shape)} needs {bytes}");
        }
    }

    private static void ValidateQuant(string key, Dim[]? shape, QuantParams q)
    {
        if (q.Scales is null || q.ZeroPoints is null || q.Scales.Length == 0 || q.Scales.Length != q.ZeroPoints.Length)
            throw Fail($"tensor '{key}' has quantization parameters with mismatched or missing scales and zero points");
        if (q.Axis is not int axis)
        {
            if (q.Scales.Length != 1)
                throw Fail($"tensor '{key}' has per-tensor quantization with {q.Scales.Length} scales");
            return;
        }
        if (shape is null || axis < 0 || axis >= shape.Length)
            throw Fail($"tensor '{key}' has per-axis quantization on axis {axis}, outside its shape {Dim.Format(shape)}");
        if (!shape[axis].IsFixed || shape[axis].Value != q.Scales.Length)
            throw Fail($"tensor '{key}' has {q.Scales.Length} per-axis scales but dimension {axis} of {Dim.Format(shape)} is {shape[axis]}");
    }
}
