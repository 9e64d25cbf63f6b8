using System.Diagnostics;
using Mote.Runtime.Graph;

namespace Mote.Runtime;

/// <summary>Time spent in one node of the main graph over the runs a <see cref="SessionProfile"/> has seen.</summary>
/// <param name="Name">The node's name (its first output's name when the node has none).</param>
/// <param name="OpType">The operator, e.g. <c>Conv</c>.</param>
/// <param name="Calls">How many times it ran.</param>
/// <param name="Total">Wall time inside the node, summed over all calls (subgraph nodes count in their If/Loop/Scan).</param>
/// <param name="InputShapes">Shapes of the node's inputs in its last call (empty for an omitted optional input).</param>
/// <param name="OutputShape">Shape of its first output in its last call.</param>
public sealed record NodeTiming(string Name, string OpType, long Calls, TimeSpan Total, int[][] InputShapes, int[] OutputShape);

/// <summary>
/// Per-node wall times of a session created with <see cref="SessionOptions.EnableProfiling"/>, summed over
/// its runs until <see cref="Reset"/>. Safe to read while runs are in progress (each node's figures are
/// updated atomically, so a snapshot can mix runs).
/// </summary>
public sealed class SessionProfile
{
    private readonly NodeSlot[] _nodes;
    private readonly long[] _ticks;
    private readonly long[] _calls;
    private readonly int[]?[][] _inShapes;
    private readonly int[]?[] _outShapes;
    private long _runs;

    internal SessionProfile(NodeSlot[] nodes)
    {
        _nodes = nodes;
        _ticks = new long[nodes.Length];
        _calls = new long[nodes.Length];
        _inShapes = nodes.Select(n => new int[]?[n.Inputs.Length]).ToArray();
        _outShapes = new int[nodes.Length][];
    }

    /// <summary>Runs recorded since creation or the last <see cref="Reset"/>.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>One entry per node that ran, in graph order.</summary>
    public IReadOnlyList<NodeTiming> Nodes
    {
        get
        {
            var list = new List<NodeTiming>();
            for (int i = 0; i < _nodes.Length; i++)
            {
                long calls = Interlocked.Read(ref _calls[i]);
                if (calls == 0)
                    continue;
                var def = _nodes[i].Op.Node;
                string name = string.IsNullOrEmpty(def.Name) ? def.Outputs.FirstOrDefault() ?? "" : def.Name;
                list.Add(new NodeTiming(name, def.Op.ToString(), calls, Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[i])),
                    _inShapes[i].Select(s => s is null ? [] : s.ToArray()).ToArray(), [.. _outShapes[i] ?? []]));
            }
            return list;
        }
    }

    /// <summary>Forgets every figure (e.g. after warm-up runs).</summary>
    public void Reset()
    {
        Array.Clear(_ticks);
        Array.Clear(_calls);
        Interlocked.Exchange(ref _runs, 0);
    }

    internal void AddNode(int node, long startTimestamp, ReadOnlySpan<Execution.TensorValue> inputs, int[]? outputShape)
    {
        var shapes = _inShapes[node];
        for (int i = 0; i < shapes.Length && i < inputs.Length; i++)
            shapes[i] = inputs[i].Shape;
        _outShapes[node] = outputShape;
        Interlocked.Add(ref _ticks[node], Stopwatch.GetTimestamp() - startTimestamp);
        Interlocked.Increment(ref _calls[node]);
    }

    internal void AddRun() => Interlocked.Increment(ref _runs);
}
