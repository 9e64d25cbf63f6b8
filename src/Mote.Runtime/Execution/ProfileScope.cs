namespace Mote.Runtime.Execution;

/// <summary>The profile a graph's nodes report to, and how deep in If/Loop/Scan bodies that graph sits; default is off.</summary>
internal readonly record struct ProfileScope(SessionProfile? Profile, int Depth)
{
    public bool IsOn => Profile is not null;

    /// <summary>The scope of a subgraph run by a node of this graph.</summary>
    public ProfileScope Inner => new(Profile, Depth + 1);
}
