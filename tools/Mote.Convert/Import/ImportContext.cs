using Mote.Convert.Onnx;
using Mote.Format;

namespace Mote.Convert.Import;

/// <summary>State shared by every part of one import: the model being built, its namespace, decoders, limits and report.</summary>
internal sealed class ImportContext
{
    public ImportContext(string file, ModelDef model, NameTable names, ValueTypes types, TensorDecoder tensors,
        SparseTensorDecoder sparse, ImportLimits limits, IReadOnlyDictionary<FunctionKey, FunctionProto> functions)
    {
        File = file;
        Model = model;
        Names = names;
        Types = types;
        Tensors = tensors;
        Sparse = sparse;
        Limits = limits;
        Functions = functions;
    }

    public string File { get; }
    public ModelDef Model { get; }
    public NameTable Names { get; }
    public ValueTypes Types { get; }
    public TensorDecoder Tensors { get; }
    public SparseTensorDecoder Sparse { get; }
    public ImportLimits Limits { get; }
    public IReadOnlyDictionary<FunctionKey, FunctionProto> Functions { get; }
    public ImportReport Report { get; } = new();
    public UnsupportedOperators Unsupported { get; } = new();

    /// <summary>Nodes emitted so far, checked against <see cref="ImportLimits.MaxNodes"/>.</summary>
    public int NodeCount { get; private set; }

    /// <summary>Counts one more emitted node, failing when the model grows past the limit (function-inlining bombs).</summary>
    public void CountNode()
    {
        if (++NodeCount > Limits.MaxNodes)
            throw Error($"the model expands to more than {Limits.MaxNodes} nodes (nested function calls?)");
    }

    public OnnxImportException Error(string problem) => new(File, problem);

    /// <summary>Defines a source name in <paramref name="scope"/>, renaming it when the shared namespace already has it.</summary>
    public string Define(NameScope scope, string source, string what)
    {
        if (source.Length == 0)
            throw Error($"{what} has an empty name");
        if (scope.IsLocal(source))
            throw Error($"tensor '{source}' is defined twice in the same graph");
        string name = scope.RenameAll ? Names.Fresh(source) : Names.DefineOrRename(source);
        if (!scope.RenameAll && name != source)
            Report.Count("subgraph tensors renamed (shadowing an outer name)");
        scope.Bind(source, name);
        return name;
    }
}

/// <summary>Identifies a model-local function: domain, name and (IR 10) overload.</summary>
internal readonly record struct FunctionKey(string Domain, string Name, string Overload)
{
    public override string ToString() => (Domain.Length > 0 ? Domain + "." : "") + Name + (Overload.Length > 0 ? ":" + Overload : "");
}

/// <summary>
/// Where nodes are being translated: the default-domain opset in force, the attribute values of the
/// enclosing function call (for <c>ref_attr_name</c>), and the chain of calls (recursion detection).
/// </summary>
internal sealed record ImportFrame(long Opset, IReadOnlyDictionary<string, AttributeProto>? Attributes, IReadOnlyList<FunctionKey> Calls, string NamePrefix)
{
    public static ImportFrame Main(long opset) => new(opset, null, [], "");
}
