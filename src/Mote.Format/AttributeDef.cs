namespace Mote.Format;

/// <summary>Kind of value an attribute holds. Ids are stable (written to files).</summary>
public enum AttributeType : byte
{
    /// <summary>64-bit integer.</summary>
    Int = 1,
    /// <summary>32-bit float.</summary>
    Float = 2,
    /// <summary>UTF-8 string.</summary>
    String = 3,
    /// <summary>List of 64-bit integers.</summary>
    Ints = 4,
    /// <summary>List of 32-bit floats.</summary>
    Floats = 5,
    /// <summary>List of strings.</summary>
    Strings = 6,
    /// <summary>A constant tensor.</summary>
    Tensor = 7,
    /// <summary>A subgraph (If branches, Loop and Scan bodies).</summary>
    Graph = 8,
}

/// <summary>A typed, named attribute of a node. Exactly the member matching <see cref="Type"/> is set.</summary>
public sealed class AttributeDef
{
    private AttributeDef(string name, AttributeType type)
    {
        Name = name;
        Type = type;
    }

    /// <summary>Attribute name; ONNX names as in the operator spec, Mote's own prefixed with <c>mote.</c>.</summary>
    public string Name { get; }

    /// <summary>Which value member is set.</summary>
    public AttributeType Type { get; }

    /// <summary>Value of an <see cref="AttributeType.Int"/> attribute.</summary>
    public long Int { get; private init; }

    /// <summary>Value of a <see cref="AttributeType.Float"/> attribute.</summary>
    public float Float { get; private init; }

    /// <summary>Value of a <see cref="AttributeType.String"/> attribute.</summary>
    public string? String { get; private init; }

    /// <summary>Value of an <see cref="AttributeType.Ints"/> attribute.</summary>
    public long[]? Ints { get; private init; }

    /// <summary>Value of a <see cref="AttributeType.Floats"/> attribute.</summary>
    public float[]? Floats { get; private init; }

    /// <summary>Value of a <see cref="AttributeType.Strings"/> attribute.</summary>
    public string[]? Strings { get; private init; }

    /// <summary>Value of a <see cref="AttributeType.Tensor"/> attribute (a constant).</summary>
    public TensorDef? Tensor { get; private init; }

    /// <summary>Value of a <see cref="AttributeType.Graph"/> attribute.</summary>
    public GraphDef? Graph { get; private init; }

    /// <summary>An integer attribute.</summary>
    public static AttributeDef FromInt(string name, long value) => new(name, AttributeType.Int) { Int = value };

    /// <summary>A float attribute.</summary>
    public static AttributeDef FromFloat(string name, float value) => new(name, AttributeType.Float) { Float = value };

    /// <summary>A string attribute.</summary>
    public static AttributeDef FromString(string name, string value) => new(name, AttributeType.String) { String = value };

    /// <summary>An integer list attribute.</summary>
    public static AttributeDef FromInts(string name, long[] value) => new(name, AttributeType.Ints) { Ints = value };

    /// <summary>A float list attribute.</summary>
    public static AttributeDef FromFloats(string name, float[] value) => new(name, AttributeType.Floats) { Floats = value };

    /// <summary>A string list attribute.</summary>
    public static AttributeDef FromStrings(string name, string[] value) => new(name, AttributeType.Strings) { Strings = value };

    /// <summary>A tensor attribute.</summary>
    public static AttributeDef FromTensor(string name, TensorDef value) => new(name, AttributeType.Tensor) { Tensor = value };

    /// <summary>A subgraph attribute.</summary>
    public static AttributeDef FromGraph(string name, GraphDef value) => new(name, AttributeType.Graph) { Graph = value };

    /// <inheritdoc/>
    public override string ToString() => Type switch
    {
        AttributeType.Int => $"{Name}={Int}",
        AttributeType.Float => $"{Name}={Float}",
        AttributeType.String => $"{Name}=\"{String}\"",
        AttributeType.Ints => $"{Name}=[{string.Join(",", Ints!)}]",
        AttributeType.Floats => $"{Name}=[{string.Join(",", Floats!)}]",
        AttributeType.Strings => $"{Name}=[{string.Join(",", Strings!)}]",
        AttributeType.Tensor => $"{Name}=<tensor {Tensor}>",
        _ => $"{Name}=<graph>",
    };
}
