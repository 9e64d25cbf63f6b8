namespace Mote.Convert.Import;

/// <summary>Collects every unsupported operator with the nodes that use it, to fail once with the whole list.</summary>
internal sealed class UnsupportedOperators
{
    private const int MaxNamesShown = 8;
    private readonly List<KeyValuePair<string, List<string>>> _ops = [];

    public bool IsEmpty => _ops.Count == 0;

    /// <summary>Records that node <paramref name="node"/> uses operator <paramref name="key"/> (<c>Op</c> or <c>domain.Op</c>).</summary>
    public void Add(string key, string node)
    {
        int i = _ops.FindIndex(p => p.Key == key);
        if (i < 0)
            _ops.Add(new(key, [node]));
        else
            _ops[i].Value.Add(node);
    }

    /// <summary>The list for <see cref="OnnxImportException.UnsupportedOperators"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Entries =>
        _ops.Select(p => new KeyValuePair<string, IReadOnlyList<string>>(p.Key, p.Value)).ToList();

    /// <summary>
    /// One line: <c>unsupported operators: NonMaxSuppression (2 nodes: nms_1, nms_2); com.microsoft.FusedConv (1 node: conv3)</c>.
    /// </summary>
    public string Message()
    {
        var parts = _ops.Select(p =>
        {
            var shown = p.Value.Take(MaxNamesShown);
            string more = p.Value.Count > MaxNamesShown ? $", ... {p.Value.Count - MaxNamesShown} more" : "";
            return $"{p.Key} ({p.Value.Count} node{(p.Value.Count == 1 ? "" : "s")}: {string.Join(", ", shown)}{more})";
        });
        return "unsupported operators: " + string.Join("; ", parts);
    }

    /// <summary>How a node is named in the message: its name, or its first output when unnamed.</summary>
    public static string Label(string nodeName, IReadOnlyList<string> outputs) =>
        nodeName.Length > 0 ? nodeName : $"<unnamed -> {outputs.FirstOrDefault(o => o.Length > 0) ?? "?"}>";
}
