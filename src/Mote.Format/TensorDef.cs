namespace Mote.Format;

/// <summary>
/// A named tensor of a model: a graph input or output, an intermediate value, or a constant
/// (weights) when <see cref="Data"/> is set.
/// </summary>
public sealed class TensorDef
{
    /// <summary>Creates a tensor description.</summary>
    public TensorDef(string name, DataType type, Dim[]? shape, ReadOnlyMemory<byte>? data = null)
    {
        Name = name;
        Type = type;
        Shape = shape;
        Data = data;
    }

    /// <summary>Unique name in the model (graphs and subgraphs share one namespace).</summary>
    public string Name { get; set; }

    /// <summary>Element type.</summary>
    public DataType Type { get; set; }

    /// <summary>Shape, or null when even the rank is unknown.</summary>
    public Dim[]? Shape { get; set; }

    /// <summary>Optional quantization parameters.</summary>
    public QuantParams? Quant { get; set; }

    /// <summary>Little-endian element data, C order, for constants; null for computed values.</summary>
    public ReadOnlyMemory<byte>? Data { get; set; }

    /// <summary>True when the tensor is a constant with data.</summary>
    public bool IsConstant => Data.HasValue;

    /// <summary>True when the shape is known and every dimension is fixed.</summary>
    public bool HasFixedShape => Shape is not null && Shape.All(d => d.IsFixed);

    /// <summary>Number of elements when the shape is fixed, otherwise null.</summary>
    public long? ElementCount
    {
        get
        {
            if (!HasFixedShape)
                return null;
            long n = 1;
            foreach (var d in Shape!)
                n = checked(n * d.Value);
            return n;
        }
    }

    /// <summary>The fixed shape as integers.</summary>
    /// <exception cref="InvalidOperationException">The shape is unknown or symbolic.</exception>
    public long[] FixedShape() =>
        HasFixedShape ? Shape!.Select(d => d.Value).ToArray() : throw new InvalidOperationException($"tensor '{Name}' has no fixed shape ({Dim.Format(Shape)})");

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Type.ShortName()}{Dim.Format(Shape)}";
}
