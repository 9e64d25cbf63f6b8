using Mote.Convert.Import;
using Mote.Format;

namespace Mote.Convert.Opset;

/// <summary>What an opset rewrite may use: the opset in force, fresh names, new constants, and the types known so far.</summary>
internal sealed class RewriteContext(ImportContext ctx, long opset)
{
    /// <summary>Default-domain opset of the node being rewritten.</summary>
    public long Opset { get; } = opset;

    /// <summary>A new int64 1-D constant.</summary>
    public string Int64s(NodeDef node, string role, long[] values) =>
        ctx.Model.Add(TensorData.FromInt64s(FreshName(node, role), [values.Length], values)).Name;

    /// <summary>A new constant of <paramref name="type"/> with the given shape and values.</summary>
    public string Constant(NodeDef node, string role, DataType type, long[] shape, double[] values) =>
        ctx.Model.Add(TensorData.Create(FreshName(node, role), type, shape, values)).Name;

    /// <summary>A new intermediate tensor of unknown type.</summary>
    public string Intermediate(NodeDef node, string role) =>
        ctx.Model.Add(new TensorDef(FreshName(node, role), DataType.Undefined, null)).Name;

    /// <summary>The element type of <paramref name="tensor"/> when the file declared it; otherwise null.</summary>
    public DataType? TypeOf(string tensor) =>
        ctx.Model.Tensors.TryGetValue(tensor, out var t) && t.Type != DataType.Undefined ? t.Type : null;

    /// <summary>The rank of <paramref name="tensor"/> when known; otherwise null.</summary>
    public int? RankOf(string tensor) =>
        ctx.Model.Tensors.TryGetValue(tensor, out var t) && t.Shape is not null ? t.Shape.Length : null;

    /// <summary>The constant <paramref name="tensor"/> (an initializer or a Constant node's value), or null.</summary>
    public TensorDef? ConstantOf(string tensor) =>
        ctx.Model.Tensors.TryGetValue(tensor, out var t) && t.IsConstant ? t : null;

    /// <summary>Dimension <paramref name="axis"/> of <paramref name="tensor"/> when the file gave it as a number; otherwise null.</summary>
    public long? DimOf(string tensor, int axis) =>
        ctx.Model.Tensors.TryGetValue(tensor, out var t) && t.Shape is { } s && axis < s.Length && s[axis].IsFixed ? s[axis].Value : null;

    /// <summary>The element type for constants that must match <paramref name="like"/>'s type; float32 with a warning when unknown.</summary>
    public DataType TypeLike(NodeDef node, string like, string what)
    {
        if (TypeOf(like) is { } known)
            return known;
        ctx.Report.Warnings.Add($"{node.Describe()}: the type of '{like}' is unknown; {what} stored as f32");
        return DataType.Float32;
    }

    /// <summary>Records that rewrite <paramref name="what"/> happened.</summary>
    public void Count(string what) => ctx.Report.Count(what);

    /// <summary>An import error about <paramref name="node"/>.</summary>
    public OnnxImportException Error(NodeDef node, string problem) => ctx.Error($"{node.Describe()}: {problem}");

    private string FreshName(NodeDef node, string role)
    {
        string owner = node.Name.Length > 0 ? node.Name : node.Outputs.FirstOrDefault(o => o.Length > 0) ?? node.Op.ToString();
        return ctx.Names.Fresh($"{owner}.{role}");
    }
}
