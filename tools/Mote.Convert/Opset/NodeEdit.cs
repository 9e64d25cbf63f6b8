using Mote.Format;

namespace Mote.Convert.Opset;

/// <summary>Small edits on a node that rewrites share: taking attributes off it and setting inputs by position.</summary>
internal static class NodeEdit
{
    /// <summary>Removes and returns an Ints attribute (an Int is read as a one-element list), or null when absent.</summary>
    public static long[]? TakeInts(NodeDef node, string name)
    {
        var a = node.Attribute(name);
        if (a is null)
            return null;
        node.RemoveAttribute(name);
        return a.Type == AttributeType.Int ? [a.Int] : a.Ints ?? [];
    }

    /// <summary>Removes and returns a Floats attribute, or null.</summary>
    public static float[]? TakeFloats(NodeDef node, string name)
    {
        var a = node.Attribute(name);
        if (a is null)
            return null;
        node.RemoveAttribute(name);
        return a.Type == AttributeType.Float ? [a.Float] : a.Floats ?? [];
    }

    /// <summary>Removes and returns a Float attribute, or null.</summary>
    public static float? TakeFloat(NodeDef node, string name)
    {
        var a = node.Attribute(name);
        if (a is null)
            return null;
        node.RemoveAttribute(name);
        return a.Type == AttributeType.Int ? a.Int : a.Float;
    }

    /// <summary>Removes and returns an Int attribute, or null.</summary>
    public static long? TakeInt(NodeDef node, string name)
    {
        var a = node.Attribute(name);
        if (a is null)
            return null;
        node.RemoveAttribute(name);
        return a.Int;
    }

    /// <summary>An Int attribute's value, or <paramref name="fallback"/>.</summary>
    public static long GetInt(NodeDef node, string name, long fallback) => node.Attribute(name)?.Int ?? fallback;

    /// <summary>A String attribute's value, or <paramref name="fallback"/>.</summary>
    public static string GetString(NodeDef node, string name, string fallback) => node.Attribute(name)?.String ?? fallback;

    /// <summary>Sets input <paramref name="index"/>, padding omitted inputs with "".</summary>
    public static void SetInput(NodeDef node, int index, string tensor)
    {
        while (node.Inputs.Count <= index)
            node.Inputs.Add("");
        node.Inputs[index] = tensor;
    }
}
