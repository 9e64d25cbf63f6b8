namespace Mote.Format;

/// <summary>
/// A graph: nodes in topological order plus the names of its inputs and outputs. The main graph and
/// the subgraphs of <c>If</c>/<c>Loop</c>/<c>Scan</c> share the model's tensor namespace, so a
/// subgraph may read any tensor of an enclosing graph by name.
/// </summary>
public sealed class GraphDef
{
    /// <summary>Graph name (informational).</summary>
    public string Name { get; set; } = "";

    /// <summary>Nodes in execution (topological) order.</summary>
    public List<NodeDef> Nodes { get; } = [];

    /// <summary>Input tensor names. For the main graph these are what the caller feeds.</summary>
    public List<string> Inputs { get; } = [];

    /// <summary>Output tensor names.</summary>
    public List<string> Outputs { get; } = [];

    /// <summary>This graph's nodes and, recursively, those of its subgraphs.</summary>
    public IEnumerable<NodeDef> AllNodes()
    {
        foreach (var node in Nodes)
        {
            yield return node;
            foreach (var a in node.Attributes)
                if (a.Graph is not null)
                    foreach (var inner in a.Graph.AllNodes())
                        yield return inner;
        }
    }
}
