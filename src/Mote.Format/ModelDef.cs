namespace Mote.Format;

/// <summary>A whole model: the tensor table, the main graph and metadata. This is what a <c>.mote</c> file holds.</summary>
public sealed class ModelDef
{
    /// <summary>Every named tensor of the model, main graph and subgraphs alike.</summary>
    public Dictionary<string, TensorDef> Tensors { get; } = new(StringComparer.Ordinal);

    /// <summary>The main graph.</summary>
    public GraphDef Graph { get; set; } = new();

    /// <summary>Producer, source hash, opsets and free-form properties.</summary>
    public ModelMetadata Metadata { get; set; } = new();

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    public TensorDef Tensor(string name) =>
        Tensors.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"the model has no tensor named '{name}'");

    /// <summary>Adds or replaces a tensor under its name.</summary>
    public TensorDef Add(TensorDef tensor)
    {
        Tensors[tensor.Name] = tensor;
        return tensor;
    }
}

/// <summary>An operator set a model was written against.</summary>
/// <param name="Domain">Operator domain; "" is the default ONNX domain.</param>
/// <param name="Version">Opset version.</param>
public sealed record OpsetImport(string Domain, long Version);

/// <summary>Descriptive metadata stored in the metadata section.</summary>
public sealed class ModelMetadata
{
    /// <summary>Tool that wrote the file (<c>mote-convert</c>).</summary>
    public string Producer { get; set; } = "";

    /// <summary>Version of that tool.</summary>
    public string ProducerVersion { get; set; } = "";

    /// <summary>SHA-256 of the source model file, or empty when unknown.</summary>
    public byte[] SourceSha256 { get; set; } = [];

    /// <summary>Opsets of the source model.</summary>
    public List<OpsetImport> Opsets { get; } = [];

    /// <summary>Free-form key/value pairs, in order (source producer, doc strings, labels...).</summary>
    public List<KeyValuePair<string, string>> Properties { get; } = [];
}
