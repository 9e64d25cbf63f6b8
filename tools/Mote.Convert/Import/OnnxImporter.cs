using System.Reflection;
using Mote.Convert.Import;
using Mote.Convert.Onnx;
using Mote.Format;

namespace Mote.Convert;

/// <summary>The model and report produced by <see cref="OnnxImporter"/>.</summary>
/// <param name="Model">The imported model, in Mote's IR, with operators in their newest-opset form.</param>
/// <param name="Report">Warnings and counts of what the importer changed.</param>
public sealed record ImportResult(ModelDef Model, ImportReport Report);

/// <summary>Imports ONNX models into <see cref="ModelDef"/>.</summary>
public static class OnnxImporter
{
    /// <summary>Oldest default-domain opset imported without a warning.</summary>
    public const long MinOpset = 7;

    /// <summary>
    /// Newest default-domain opset whose operator semantics this importer knows (opset 25 only widened
    /// type lists). Newer models import with a warning, read with this opset's semantics.
    /// </summary>
    public const long MaxOpset = 25;

    /// <summary>Producer name written to the model's metadata.</summary>
    public const string Producer = "mote-convert";

    /// <summary>Imports the ONNX file at <paramref name="path"/> (external data is read relative to its directory).</summary>
    /// <exception cref="OnnxImportException">The file is unreadable, malformed, hostile, or uses unsupported operators or types.</exception>
    public static ImportResult Import(string path, ConvertOptions? options = null)
    {
        options ??= new ConvertOptions();
        var (proto, sha, length) = OnnxFileReader.Read(path, options.Limits);
        return Import(proto, path, Path.GetDirectoryName(Path.GetFullPath(path)), sha, length, options);
    }

    /// <summary>Imports an already parsed model; <paramref name="baseDirectory"/> (null: none) is where external data lives.</summary>
    internal static ImportResult Import(ModelProto proto, string file, string? baseDirectory, byte[] sha256, long fileLength, ConvertOptions options)
    {
        OnnxFileReader.Validate(file, proto);
        long opset = DefaultOpset(proto, file, out string? opsetWarning);
        var model = new ModelDef();
        var names = new NameTable();
        var types = new ValueTypes(file);
        ReserveNames(proto, names, types);
        using var external = new ExternalDataReader(file, baseDirectory);
        var tensors = new TensorDecoder(file, external);
        long sparseCap = Math.Max(options.Limits.MaxSparseDenseBytes, fileLength * options.Limits.SparseExpansionFactor);
        var ctx = new ImportContext(file, model, names, types, tensors, new SparseTensorDecoder(file, tensors, sparseCap),
            options.Limits, Functions(proto, file));
        ctx.Report.Opset = opset;
        if (opsetWarning is not null)
            ctx.Report.Warnings.Add(opsetWarning);

        var importer = new GraphImporter(ctx);
        model.Graph = importer.Import(proto.Graph, new NameScope(null, renameAll: false), ImportFrame.Main(opset), 0);
        foreach (var output in model.Graph.Outputs)
            if (model.Tensor(output).Type == DataType.Undefined && !model.Tensor(output).IsConstant)
                ctx.Report.Warnings.Add($"graph output '{output}' declares no element type");

        CheckSupported(ctx, options.IsSupported);
        model.Metadata = Metadata(proto, sha256);
        return new ImportResult(model, ctx.Report);
    }

    private static long DefaultOpset(ModelProto proto, string file, out string? warning)
    {
        warning = null;
        long? opset = null;
        foreach (var o in proto.OpsetImport)
            if (OperatorMap.IsDefaultDomain(o.Domain))
                opset = opset is null ? o.Version : Math.Max(opset.Value, o.Version);
        if (opset is null)
        {
            // Legal when no node is of the default domain (e.g. training-only models); those nodes are reported as unsupported.
            if (UsesDefaultDomain(proto.Graph))
                throw new OnnxImportException(file, "the model uses default-domain operators but imports no opset of the default ONNX domain");
            return MaxOpset;
        }
        if (opset < 1)
            throw new OnnxImportException(file, $"invalid default-domain opset {opset}");
        if (opset < MinOpset)
            warning = $"opset {opset} is older than {MinOpset}; old operator forms are rewritten on a best-effort basis";
        if (opset > MaxOpset)
            warning = $"opset {opset} is newer than this converter knows ({MaxOpset}); operators are read with opset-{MaxOpset} semantics";
        return opset.Value;
    }

    private static bool UsesDefaultDomain(GraphProto g) =>
        g.Node.Any(n => OperatorMap.IsDefaultDomain(n.Domain) || n.Attribute.Any(a => a.G is not null && UsesDefaultDomain(a.G)));

    /// <summary>Every name and dim_param in the file is reserved first, so generated names and symbols never collide with one.</summary>
    private static void ReserveNames(ModelProto proto, NameTable names, ValueTypes types)
    {
        void Values(IEnumerable<ValueInfoProto> vs)
        {
            foreach (var v in vs)
            {
                names.Reserve(v.Name);
                if (v.Type?.TensorType?.Shape is { } shape)
                    foreach (var d in shape.Dim)
                        if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam)
                            types.ReserveSymbol(d.DimParam);
            }
        }
        void Nodes(IEnumerable<NodeProto> nodes)
        {
            foreach (var n in nodes)
            {
                foreach (var o in n.Output)
                    names.Reserve(o);
                foreach (var a in n.Attribute)
                {
                    if (a.G is not null)
                        Graph(a.G);
                    foreach (var g in a.Graphs)
                        Graph(g);
                }
            }
        }
        void Graph(GraphProto g)
        {
            foreach (var t in g.Initializer)
                names.Reserve(t.Name);
            Values(g.Input);
            Values(g.Output);
            Values(g.ValueInfo);
            Nodes(g.Node);
        }
        Graph(proto.Graph);
        foreach (var f in proto.Functions)
            Nodes(f.Node);
    }

    private static Dictionary<FunctionKey, FunctionProto> Functions(ModelProto proto, string file)
    {
        var map = new Dictionary<FunctionKey, FunctionProto>();
        foreach (var f in proto.Functions)
        {
            var key = new FunctionKey(OperatorMap.IsDefaultDomain(f.Domain) ? "" : f.Domain, f.Name, f.Overload);
            if (!map.TryAdd(key, f))
                throw new OnnxImportException(file, $"function {key} is defined twice");
        }
        return map;
    }

    private static void CheckSupported(ImportContext ctx, Func<OpType, bool>? isSupported)
    {
        foreach (var node in ctx.Model.Graph.AllNodes())
            if (node.Op != OpType.Unknown && isSupported is not null && !isSupported(node.Op))
                ctx.Unsupported.Add(node.Op.ToString(), UnsupportedOperators.Label(node.Name, node.Outputs));
        if (!ctx.Unsupported.IsEmpty)
            throw new OnnxImportException(ctx.File, ctx.Unsupported.Message()) { UnsupportedOperators = ctx.Unsupported.Entries };
    }

    private static ModelMetadata Metadata(ModelProto proto, byte[] sha256)
    {
        var m = new ModelMetadata
        {
            Producer = Producer,
            ProducerVersion = typeof(OnnxImporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0",
            SourceSha256 = sha256,
        };
        foreach (var o in proto.OpsetImport)
            m.Opsets.Add(new OpsetImport(OperatorMap.IsDefaultDomain(o.Domain) ? "" : o.Domain, o.Version));
        void Prop(string key, string value)
        {
            if (value.Length > 0)
                m.Properties.Add(new(key, value));
        }
        Prop("onnx.producer_name", proto.ProducerName);
        Prop("onnx.producer_version", proto.ProducerVersion);
        Prop("onnx.ir_version", proto.IrVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Prop("onnx.domain", proto.Domain);
        if (proto.ModelVersion != 0)
            Prop("onnx.model_version", proto.ModelVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Prop("onnx.doc_string", proto.DocString);
        foreach (var p in proto.MetadataProps)
            m.Properties.Add(new(p.Key, p.Value));
        return m;
    }
}
