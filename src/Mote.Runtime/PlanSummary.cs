namespace Mote.Runtime;

/// <summary>What the memory planner decided for one set of input shapes.</summary>
/// <param name="InputShapes">The input shapes planned for, by input name.</param>
/// <param name="ArenaBytes">Bytes of the arena that holds every intermediate tensor, shared by liveness.</param>
/// <param name="ScratchBytes">Bytes of per-run scratch memory (largest single-operator need).</param>
/// <param name="ExecutedNodes">Nodes executed per run.</param>
/// <param name="PrecomputedNodes">Nodes evaluated once while planning (shape arithmetic) or aliased (views, concats whose inputs are written in place).</param>
public sealed record PlanSummary(IReadOnlyDictionary<string, int[]> InputShapes, long ArenaBytes, long ScratchBytes, int ExecutedNodes, int PrecomputedNodes)
{
    /// <summary><c>name[1,3,224,224], …</c>.</summary>
    public string Describe() => string.Join(", ", InputShapes.Select(kv => kv.Key + ShapeMath.Format(kv.Value)));
}
