namespace Mote.Format;

/// <summary>One operator application in a graph. Inputs and outputs are tensor names; an empty name is an omitted optional input or output.</summary>
public sealed class NodeDef
{
    /// <summary>Creates a node.</summary>
    public NodeDef(OpType op, string name, IEnumerable<string> inputs, IEnumerable<string> outputs, IEnumerable<AttributeDef>? attributes = null)
    {
        Op = op;
        Name = name;
        Inputs = [.. inputs];
        Outputs = [.. outputs];
        Attributes = attributes is null ? [] : [.. attributes];
    }

    /// <summary>The operator.</summary>
    public OpType Op { get; set; }

    /// <summary>Node name, for messages (may be empty).</summary>
    public string Name { get; set; }

    /// <summary>Input tensor names in operator order; "" marks an omitted optional input.</summary>
    public List<string> Inputs { get; }

    /// <summary>Output tensor names in operator order; "" marks an omitted optional output.</summary>
    public List<string> Outputs { get; }

    /// <summary>Attributes, unique by name.</summary>
    public List<AttributeDef> Attributes { get; }

    /// <summary>Input <paramref name="i"/>, or "" when absent.</summary>
    public string Input(int i) => i < Inputs.Count ? Inputs[i] : "";

    /// <summary>The attribute named <paramref name="name"/>, or null.</summary>
    public AttributeDef? Attribute(string name) => Attributes.Find(a => a.Name == name);

    /// <summary>Sets or replaces an attribute.</summary>
    public void SetAttribute(AttributeDef attribute)
    {
        Attributes.RemoveAll(a => a.Name == attribute.Name);
        Attributes.Add(attribute);
    }

    /// <summary>Removes an attribute if present.</summary>
    public bool RemoveAttribute(string name) => Attributes.RemoveAll(a => a.Name == name) > 0;

    /// <summary>A short description for error messages: <c>Conv 'conv1'</c>.</summary>
    public string Describe() => string.IsNullOrEmpty(Name) ? $"{Op} (output '{(Outputs.Count > 0 ? Outputs[0] : "")}')" : $"{Op} '{Name}'";

    /// <inheritdoc/>
    public override string ToString() => $"{Describe()}({string.Join(", ", Inputs)}) -> ({string.Join(", ", Outputs)})";
}
