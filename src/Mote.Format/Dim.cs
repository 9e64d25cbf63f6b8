namespace Mote.Format;

/// <summary>One dimension of a tensor shape: a fixed size, or a named symbol resolved when the model runs.</summary>
public readonly struct Dim : IEquatable<Dim>
{
    private Dim(long value, string? symbol)
    {
        Value = value;
        Symbol = symbol;
    }

    /// <summary>The size when <see cref="IsFixed"/>; -1 for a symbolic dimension.</summary>
    public long Value { get; }

    /// <summary>The symbol name (<c>batch</c>, <c>seq</c>) when the dimension is not fixed; otherwise null.</summary>
    public string? Symbol { get; }

    /// <summary>True when the size is known.</summary>
    public bool IsFixed => Symbol is null;

    /// <summary>A fixed dimension of <paramref name="value"/> elements.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static Dim Fixed(long value) =>
        value >= 0 ? new Dim(value, null) : throw new ArgumentOutOfRangeException(nameof(value), value, "a dimension cannot be negative");

    /// <summary>A symbolic dimension named <paramref name="symbol"/>.</summary>
    public static Dim Symbolic(string symbol) =>
        string.IsNullOrEmpty(symbol) ? throw new ArgumentException("a symbolic dimension needs a name", nameof(symbol)) : new Dim(-1, symbol);

    /// <summary>Fixed dimension from an integer.</summary>
    public static implicit operator Dim(long value) => Fixed(value);

    /// <inheritdoc/>
    public bool Equals(Dim other) => Value == other.Value && Symbol == other.Symbol;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Dim d && Equals(d);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Value, Symbol);

    /// <summary>Equality.</summary>
    public static bool operator ==(Dim a, Dim b) => a.Equals(b);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Dim a, Dim b) => !a.Equals(b);

    /// <inheritdoc/>
    public override string ToString() => Symbol ?? Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Formats a shape as <c>[1,3,H,W]</c>, or <c>?</c> when the rank is unknown.</summary>
    public static string Format(IReadOnlyList<Dim>? shape) => shape is null ? "?" : "[" + string.Join(",", shape) + "]";
}
