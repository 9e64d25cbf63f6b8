using Mote.Format;

namespace Mote.Convert.Import;

/// <summary>
/// Puts a graph's nodes in topological order. The IR requires it, but not every exporter obeys;
/// already-sorted graphs (the usual case) are returned unchanged.
/// </summary>
internal static class TopologicalOrder
{
    public static List<NodeDef> Sort(List<NodeDef> nodes, ImportContext ctx)
    {
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
            foreach (var o in nodes[i].Outputs)
                if (o.Length > 0)
                    producer[o] = i;
        var deps = new List<int>[nodes.Count];
        bool sorted = true;
        for (int i = 0; i < nodes.Count; i++)
        {
            deps[i] = [];
            foreach (var name in Reads(nodes[i]))
                if (producer.TryGetValue(name, out int p) && p != i)
                {
                    deps[i].Add(p);
                    sorted &= p < i;
                }
        }
        if (sorted)
            return nodes;

        var waiting = new int[nodes.Count];
        var users = new List<int>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
            users[i] = [];
        for (int i = 0; i < nodes.Count; i++)
            foreach (int p in deps[i].Distinct())
            {
                waiting[i]++;
                users[p].Add(i);
            }
        // Smallest original index first, so the result stays as close to the file's order as possible.
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < nodes.Count; i++)
            if (waiting[i] == 0)
                ready.Enqueue(i, i);
        var result = new List<NodeDef>(nodes.Count);
        while (ready.TryDequeue(out int i, out _))
        {
            result.Add(nodes[i]);
            foreach (int u in users[i])
                if (--waiting[u] == 0)
                    ready.Enqueue(u, u);
        }
        if (result.Count != nodes.Count)
        {
            var stuck = nodes.Where((_, i) => waiting[i] > 0).First();
            throw ctx.Error($"the graph has a cycle (involving {stuck.Describe()})");
        }
        ctx.Report.Count("graphs re-sorted into topological order");
        return result;
    }

    /// <summary>Names a node reads, including those its subgraphs read from enclosing graphs.</summary>
    public static IEnumerable<string> Reads(NodeDef node)
    {
        foreach (var i in node.Inputs)
            if (i.Length > 0)
                yield return i;
        foreach (var a in node.Attributes)
            if (a.Graph is not null)
            {
                foreach (var n in a.Graph.AllNodes())
                    foreach (var i in n.Inputs)
                        if (i.Length > 0)
                            yield return i;
                foreach (var o in a.Graph.Outputs)
                    yield return o;
            }
    }
}
