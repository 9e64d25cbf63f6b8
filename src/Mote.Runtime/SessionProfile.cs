using System.Collections.Concurrent;
using System.Diagnostics;
using Mote.Runtime.Execution;
using Mote.Runtime.Graph;

namespace Mote.Runtime;

/// <summary>Time spent in one node over the runs a <see cref="SessionProfile"/> has seen.</summary>
/// <param name="Name">The node's name (its first output's name when the node has none).</param>
/// <param name="OpType">The operator, e.g. <c>Conv</c>.</param>
/// <param name="Calls">How many times it ran (a Loop or Scan body node runs once per iteration).</param>
/// <param name="Total">Wall time inside the node, summed over all calls. An If, Loop or Scan node's time includes its subgraph's nodes, which are listed too.</param>
/// <param name="InputShapes">Shapes of the node's inputs in its last call (empty for an omitted optional input).</param>
/// <param name="OutputShape">Shape of its first output in its last call.</param>
/// <param name="Depth">0 for a node of the main graph, 1 inside an If/Loop/Scan body, and so on.</param>
public sealed record NodeTiming(string Name, string OpType, long Calls, TimeSpan Total, int[][] InputShapes, int[] OutputShape, int Depth);

/// <summary>
/// Per-node wall times of a session created with <see cref="SessionOptions.EnableProfiling"/>, summed over
/// its runs until <see cref="Reset"/>, subgraph nodes included. Safe to read while runs are in progress
/// (each figure is updated atomically, so a snapshot can mix runs).
/// </summary>
public sealed class SessionProfile
{
    private readonly ConcurrentDictionary<NodeSlot, Entry> _entries = new(ReferenceEqualityComparer.Instance);
    private int _order;
    private long _runs;

    internal SessionProfile() { }

    /// <summary>Runs recorded since creation or the last <see cref="Reset"/>.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>One entry per node that ran, in the order they first ran.</summary>
    public IReadOnlyList<NodeTiming> Nodes =>
        _entries.Values.OrderBy(e => e.Order).Select(e => e.Snapshot()).ToArray();

    /// <summary>Forgets every figure (e.g. after warm-up runs).</summary>
    public void Reset()
    {
        _entries.Clear();
        Interlocked.Exchange(ref _runs, 0);
    }

    internal void AddNode(NodeSlot node, int depth, long startTimestamp, ReadOnlySpan<TensorValue> inputs, int[]? outputShape)
    {
        long elapsed = Stopwatch.GetTimestamp() - startTimestamp;
        if (!_entries.TryGetValue(node, out var e))
            e = _entries.GetOrAdd(node, new Entry(node, depth, Interlocked.Increment(ref _order)));
        e.Add(elapsed, inputs, outputShape);
    }

    internal void AddRun() => Interlocked.Increment(ref _runs);

    private sealed class Entry(NodeSlot node, int depth, int order)
    {
        private readonly int[]?[] _inputs = new int[node.Inputs.Length][];
        private int[]? _output;
        private long _ticks, _calls;

        public int Order => order;

        public void Add(long ticks, ReadOnlySpan<TensorValue> inputs, int[]? output)
        {
            for (int i = 0; i < _inputs.Length && i < inputs.Length; i++)
                _inputs[i] = inputs[i].Shape;
            _output = output;
            Interlocked.Add(ref _ticks, ticks);
            Interlocked.Increment(ref _calls);
        }

        public NodeTiming Snapshot()
        {
            var def = node.Op.Node;
            string name = string.IsNullOrEmpty(def.Name) ? def.Outputs.FirstOrDefault() ?? "" : def.Name;
            return new NodeTiming(name, def.Op.ToString(), Interlocked.Read(ref _calls), Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks)),
                _inputs.Select(s => s is null ? [] : s.ToArray()).ToArray(), [.. _output ?? []], depth);
        }
    }
}
