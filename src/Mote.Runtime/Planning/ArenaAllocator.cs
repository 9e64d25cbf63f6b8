namespace Mote.Runtime.Planning;

/// <summary>
/// Assigns arena offsets to values with known lifetimes so that values alive at the same time never
/// overlap: largest first, each at the lowest offset that fits between the blocks it coexists with.
/// </summary>
internal static class ArenaAllocator
{
    public const int Alignment = 64;

    /// <summary>A value to place: its byte size and the first and last step (inclusive) it must survive.</summary>
    public readonly record struct Request(int Id, long Bytes, int First, int Last);

    /// <summary>Returns offsets by request order and the total arena size.</summary>
    public static (long[] Offsets, long Total) Assign(IReadOnlyList<Request> requests)
    {
        var order = Enumerable.Range(0, requests.Count)
            .OrderByDescending(i => requests[i].Bytes).ThenBy(i => requests[i].First).ToArray();
        var offsets = new long[requests.Count];
        var placed = new List<int>();
        long total = 0;
        var overlapping = new List<(long Start, long End)>();
        foreach (int i in order)
        {
            var r = requests[i];
            long size = AlignUp(Math.Max(r.Bytes, 1));
            overlapping.Clear();
            foreach (int j in placed)
            {
                var p = requests[j];
                if (p.First <= r.Last && r.First <= p.Last)
                    overlapping.Add((offsets[j], offsets[j] + AlignUp(Math.Max(p.Bytes, 1))));
            }
            overlapping.Sort((a, b) => a.Start.CompareTo(b.Start));
            long candidate = 0;
            foreach (var (start, end) in overlapping)
            {
                if (candidate + size <= start)
                    break;
                candidate = Math.Max(candidate, end);
            }
            offsets[i] = candidate;
            placed.Add(i);
            total = Math.Max(total, candidate + size);
        }
        return (offsets, total);
    }

    public static long AlignUp(long n) => (n + Alignment - 1) & ~(long)(Alignment - 1);
}
