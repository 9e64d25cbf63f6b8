namespace Mote.Convert;

/// <summary>What the importer did besides a plain translation: warnings and counts of rewrites.</summary>
public sealed class ImportReport
{
    /// <summary>Default-domain opset the model was written against.</summary>
    public long Opset { get; internal set; }

    /// <summary>Things the user should know (old opset, guessed types, ...).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>How often each kind of change happened (<c>opset rewrite Slice&lt;10</c>, <c>function calls inlined</c>, ...), in first-seen order.</summary>
    public List<KeyValuePair<string, int>> Counts { get; } = [];

    /// <summary>Adds <paramref name="n"/> to the count named <paramref name="what"/>.</summary>
    public void Count(string what, int n = 1)
    {
        int i = Counts.FindIndex(c => c.Key == what);
        if (i < 0)
            Counts.Add(new(what, n));
        else
            Counts[i] = new(what, Counts[i].Value + n);
    }

    /// <summary>The count named <paramref name="what"/>, or 0.</summary>
    public int CountOf(string what) => Counts.Find(c => c.Key == what).Value;
}
