using System.Collections;

namespace Mote.Runtime;

/// <summary>The outputs of one run, in the model's output order, also addressable by name.</summary>
public sealed class SessionOutputs : IReadOnlyList<NamedTensor>
{
    private readonly NamedTensor[] _items;

    internal SessionOutputs(NamedTensor[] items) => _items = items;

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <inheritdoc/>
    public NamedTensor this[int index] => _items[index];

    /// <summary>The output named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The model has no such output; the message lists the outputs.</exception>
    public Tensor this[string name] =>
        Array.Find(_items, t => t.Name == name)?.Value
        ?? throw new KeyNotFoundException($"no output named '{name}'; outputs are: {string.Join(", ", _items.Select(t => t.Name))}");

    /// <inheritdoc/>
    public IEnumerator<NamedTensor> GetEnumerator() => ((IEnumerable<NamedTensor>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
