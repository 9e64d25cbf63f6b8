namespace Mote.Convert.Passes;

/// <summary>What one pass changed: named counts and short messages, for <c>mote convert</c> to print.</summary>
public sealed class PassReport(string pass)
{
    /// <summary>The pass that produced this report.</summary>
    public string Pass { get; } = pass;

    /// <summary>Named counts (<c>nodes removed</c>), in first-seen order.</summary>
    public List<KeyValuePair<string, int>> Counts { get; } = [];

    /// <summary>Short messages (one per notable change or skipped candidate).</summary>
    public List<string> Messages { get; } = [];

    /// <summary>True when the pass changed anything.</summary>
    public bool Changed => Counts.Any(c => c.Value > 0);

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

    /// <inheritdoc/>
    public override string ToString() =>
        Changed ? $"{Pass}: {string.Join(", ", Counts.Where(c => c.Value > 0).Select(c => $"{c.Value} {c.Key}"))}" : $"{Pass}: no change";
}
