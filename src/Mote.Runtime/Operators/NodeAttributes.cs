using Mote.Format;

namespace Mote.Runtime.Operators;

/// <summary>Typed attribute access with ONNX defaults; a present attribute of the wrong kind is a model error.</summary>
internal static class NodeAttributes
{
    public static long GetInt(this NodeDef node, string name, long fallback) =>
        Get(node, name, AttributeType.Int) is { } a ? a.Int : fallback;

    public static float GetFloat(this NodeDef node, string name, float fallback) =>
        Get(node, name, AttributeType.Float) is { } a ? a.Float : fallback;

    public static string GetString(this NodeDef node, string name, string fallback) =>
        Get(node, name, AttributeType.String) is { } a ? a.String! : fallback;

    public static long[]? GetInts(this NodeDef node, string name) =>
        Get(node, name, AttributeType.Ints)?.Ints;

    public static float[]? GetFloats(this NodeDef node, string name) =>
        Get(node, name, AttributeType.Floats)?.Floats;

    public static GraphDef? GetGraph(this NodeDef node, string name) =>
        Get(node, name, AttributeType.Graph)?.Graph;

    public static TensorDef? GetTensor(this NodeDef node, string name) =>
        Get(node, name, AttributeType.Tensor)?.Tensor;

    /// <summary>Integer list attribute converted to int, with a range check.</summary>
    public static int[]? GetIntArray(this NodeDef node, string name)
    {
        var v = node.GetInts(name);
        if (v is null)
            return null;
        var r = new int[v.Length];
        for (int i = 0; i < v.Length; i++)
            r[i] = v[i] is >= int.MinValue and <= int.MaxValue ? (int)v[i] : throw new MoteNotSupportedException($"attribute '{name}' value {v[i]} is out of range");
        return r;
    }

    private static AttributeDef? Get(NodeDef node, string name, AttributeType type)
    {
        var a = node.Attribute(name);
        if (a is null)
            return null;
        // ONNX writers sometimes store an integer-valued float or vice versa; accept the obvious cases.
        if (a.Type == type)
            return a;
        if (type == AttributeType.Float && a.Type == AttributeType.Int)
            return AttributeDef.FromFloat(name, a.Int);
        if (type == AttributeType.Ints && a.Type == AttributeType.Int)
            return AttributeDef.FromInts(name, [a.Int]);
        if (type == AttributeType.Floats && a.Type == AttributeType.Float)
            return AttributeDef.FromFloats(name, [a.Float]);
        throw new MoteNotSupportedException($"attribute '{name}' is {a.Type}, expected {type}");
    }
}
