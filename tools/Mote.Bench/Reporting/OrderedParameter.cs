namespace Mote.Bench.Reporting;

/// <summary>
/// A benchmark parameter that sorts by its position in the source list: BenchmarkDotNet orders rows by
/// <see cref="IComparable"/> when a parameter implements it, and by the text otherwise, which would shuffle the
/// shapes away from the order they are written down in.
/// </summary>
public abstract record OrderedParameter : IComparable
{
    /// <summary>Position in the source list.</summary>
    public int Order { get; init; }

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj is OrderedParameter p ? Order.CompareTo(p.Order) : 1;
}
