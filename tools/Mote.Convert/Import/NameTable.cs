namespace Mote.Convert.Import;

/// <summary>
/// The model's single tensor namespace. <see cref="Reserve"/> records every name that appears in the
/// source file up front, so generated names never collide with a name defined later.
/// </summary>
internal sealed class NameTable
{
    private readonly HashSet<string> _reserved = new(StringComparer.Ordinal);
    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _next = new(StringComparer.Ordinal);

    /// <summary>Marks a source name as taken, without defining it.</summary>
    public void Reserve(string name)
    {
        if (name.Length > 0)
            _reserved.Add(name);
    }

    /// <summary>True when a tensor of that name has been defined.</summary>
    public bool IsDefined(string name) => _defined.Contains(name);

    /// <summary>Defines <paramref name="name"/> as is when it is still free, otherwise a fresh variant of it.</summary>
    public string DefineOrRename(string name) => _defined.Add(name) ? Taken(name) : Fresh(name);

    /// <summary>Defines and returns a new name based on <paramref name="hint"/> that nothing else uses.</summary>
    public string Fresh(string hint)
    {
        if (hint.Length == 0)
            hint = "t";
        _next.TryGetValue(hint, out int n);
        string candidate;
        do
            candidate = $"{hint}__{++n}";
        while (_reserved.Contains(candidate) || _defined.Contains(candidate));
        _next[hint] = n;
        _defined.Add(candidate);
        _reserved.Add(candidate);
        return candidate;
    }

    private string Taken(string name)
    {
        _reserved.Add(name);
        return name;
    }
}
