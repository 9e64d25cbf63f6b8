using Mote.Convert.Onnx;
using Mote.Format;
using Kind = Mote.Convert.Onnx.AttributeProto.Types.AttributeType;

namespace Mote.Convert.Import;

/// <summary>Converts node attributes, substituting function-attribute references and importing subgraphs.</summary>
internal sealed class AttributeImporter(ImportContext ctx, GraphImporter graphs)
{
    /// <summary>The attributes of <paramref name="node"/> as Mote attributes.</summary>
    public List<AttributeDef> Convert(NodeProto node, NameScope scope, ImportFrame frame, int depth)
    {
        var list = new List<AttributeDef>(node.Attribute.Count);
        foreach (var a in node.Attribute)
        {
            var source = Resolve(a, frame, node);
            if (source is null)
                continue; // a reference to a caller attribute that was not given: the attribute is absent
            if (list.Exists(x => x.Name == a.Name))
                throw ctx.Error($"node {Describe(node)} has attribute '{a.Name}' twice");
            list.Add(ConvertOne(a.Name, source, node, scope, frame, depth));
        }
        return list;
    }

    /// <summary>The attribute carrying the value: <paramref name="a"/> itself, or the caller's for a <c>ref_attr_name</c>.</summary>
    public AttributeProto? Resolve(AttributeProto a, ImportFrame frame, NodeProto node)
    {
        if (a.RefAttrName.Length == 0)
            return a;
        if (frame.Attributes is null)
            throw ctx.Error($"node {Describe(node)} attribute '{a.Name}' refers to '{a.RefAttrName}' outside a function");
        return frame.Attributes.TryGetValue(a.RefAttrName, out var v) ? v : null;
    }

    private AttributeDef ConvertOne(string name, AttributeProto a, NodeProto node, NameScope scope, ImportFrame frame, int depth)
    {
        switch (KindOf(a))
        {
            case Kind.Float: return AttributeDef.FromFloat(name, a.F);
            case Kind.Int: return AttributeDef.FromInt(name, a.I);
            case Kind.String: return AttributeDef.FromString(name, a.S.ToStringUtf8());
            case Kind.Floats: return AttributeDef.FromFloats(name, [.. a.Floats]);
            case Kind.Ints: return AttributeDef.FromInts(name, [.. a.Ints]);
            case Kind.Strings: return AttributeDef.FromStrings(name, a.Strings.Select(s => s.ToStringUtf8()).ToArray());
            case Kind.Tensor when a.T is not null:
                return AttributeDef.FromTensor(name, Register(ctx.Tensors.Decode(a.T, ctx.Names.Fresh(AttributeTensorName(a.T.Name, node, name)))));
            case Kind.SparseTensor when a.SparseTensor is not null:
                return AttributeDef.FromTensor(name, Register(ctx.Sparse.Decode(a.SparseTensor, ctx.Names.Fresh(AttributeTensorName("", node, name)))));
            case Kind.Graph when a.G is not null:
                if (depth + 1 > ctx.Limits.MaxSubgraphDepth)
                    throw ctx.Error($"subgraphs are nested more than {ctx.Limits.MaxSubgraphDepth} deep");
                var g = graphs.Import(a.G, new NameScope(scope, scope.RenameAll), frame, depth + 1);
                return AttributeDef.FromGraph(name, g);
            default:
                throw ctx.Error($"node {Describe(node)} attribute '{name}' is of kind {KindOf(a)}, which Mote does not import");
        }
    }

    /// <summary>The kind of value; IR 1 files leave <c>type</c> unset, so it is guessed from the field present.</summary>
    private static Kind KindOf(AttributeProto a)
    {
        if (a.Type != Kind.Undefined)
            return a.Type;
        if (a.Floats.Count > 0) return Kind.Floats;
        if (a.Ints.Count > 0) return Kind.Ints;
        if (a.Strings.Count > 0) return Kind.Strings;
        if (a.T is not null) return Kind.Tensor;
        if (a.G is not null) return Kind.Graph;
        if (a.SparseTensor is not null) return Kind.SparseTensor;
        if (!a.S.IsEmpty) return Kind.String;
        if (a.F != 0) return Kind.Float;
        return Kind.Int;
    }

    /// <summary>Tensor-valued attributes live in the model's tensor table like any constant (the file stores them by index).</summary>
    private TensorDef Register(TensorDef t) => ctx.Model.Add(t);

    private static string AttributeTensorName(string own, NodeProto node, string attribute) =>
        own.Length > 0 ? own : (node.Name.Length > 0 ? node.Name : node.OpType) + "." + attribute;

    public static string Describe(NodeProto node) =>
        node.Name.Length > 0 ? $"{node.OpType} '{node.Name}'" : $"{node.OpType} (output '{node.Output.FirstOrDefault() ?? ""}')";
}
