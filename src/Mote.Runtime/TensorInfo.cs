using Mote.Format;

namespace Mote.Runtime;

/// <summary>Name, element type and declared shape of a model input or output.</summary>
public sealed class TensorInfo
{
    internal TensorInfo(TensorDef def) : this(def.Name, def.Type, def.Shape)
    {
    }

    /// <summary>Describes a tensor; a null <paramref name="shape"/> means the rank is unknown.</summary>
    public TensorInfo(string name, DataType type, IReadOnlyList<Dim>? shape)
    {
        Name = name;
        Type = type;
        Shape = shape ?? [];
        HasKnownRank = shape is not null;
    }

    /// <summary>The name used in <see cref="InferenceSession.Run(IEnumerable{NamedTensor})"/> and in results.</summary>
    public string Name { get; }

    /// <summary>Declared element type.</summary>
    public DataType Type { get; }

    /// <summary>Declared dimensions; symbolic ones (<see cref="Dim.Symbol"/>) are free at run time.</summary>
    public IReadOnlyList<Dim> Shape { get; }

    /// <summary>False when the model does not declare the rank.</summary>
    public bool HasKnownRank { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Type.ShortName()}{(HasKnownRank ? Dim.Format(Shape) : "[?]")}";
}
