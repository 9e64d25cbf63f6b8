namespace Mote.Convert.Import;

/// <summary>
/// Maps source tensor names to model names within one graph or function body. Lookups fall back to
/// enclosing scopes (a subgraph reads outer tensors); a function body's scope has no parent, because
/// ONNX functions see only their formal inputs.
/// </summary>
internal sealed class NameScope(NameScope? parent, bool renameAll)
{
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _producedAt = new(StringComparer.Ordinal);

    /// <summary>True inside function bodies (and their subgraphs): every local gets a fresh name, since a function may be inlined many times.</summary>
    public bool RenameAll { get; } = renameAll;

    /// <summary>The enclosing scope, or null.</summary>
    public NameScope? Parent { get; } = parent;

    /// <summary>True when <paramref name="source"/> is defined in this scope (not an enclosing one).</summary>
    public bool IsLocal(string source) => _names.ContainsKey(source);

    /// <summary>Binds <paramref name="source"/> to <paramref name="model"/> in this scope.</summary>
    public void Bind(string source, string model) => _names[source] = model;

    /// <summary>Records that the local tensor <paramref name="source"/> is written by the node at <paramref name="position"/> of this graph.</summary>
    public void ProducedAt(string source, int position) => _producedAt[source] = position;

    /// <summary>
    /// The model name of <paramref name="source"/> as read by the node at <paramref name="reader"/>.
    /// ONNX forbids shadowing, but if a subgraph redefines an outer name, reads before the local
    /// definition still see the outer tensor (SSA order), and reads after it see the local one.
    /// </summary>
    public string? Resolve(string source, int reader)
    {
        if (_producedAt.TryGetValue(source, out int at) && at >= reader && Parent?.Resolve(source) is { } outer)
            return outer;
        return Resolve(source);
    }

    /// <summary>The model name of <paramref name="source"/>, searching enclosing scopes, or null when undefined.</summary>
    public string? Resolve(string source)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s._names.TryGetValue(source, out var m))
                return m;
        return null;
    }
}
