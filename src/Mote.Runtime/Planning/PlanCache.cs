namespace Mote.Runtime.Planning;

/// <summary>A small least-recently-used cache of plans keyed by the input shapes; thread-safe.</summary>
internal sealed class PlanCache(int capacity)
{
    private readonly Dictionary<ShapeKey, LinkedListNode<(ShapeKey Key, ExecutionPlan Plan)>> _map = [];
    private readonly LinkedList<(ShapeKey Key, ExecutionPlan Plan)> _order = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
                return _map.Count;
        }
    }

    public ExecutionPlan GetOrAdd(int[][] shapes, Func<int[][], ExecutionPlan> create)
    {
        var key = new ShapeKey(shapes);
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return node.Value.Plan;
            }
            // Planned under the lock: concurrent first runs of one shape plan once.
            var plan = create(shapes);
            _map[key] = _order.AddFirst((key, plan));
            if (_map.Count > capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }
            return plan;
        }
    }

    /// <summary>Input shapes flattened with ranks, compared by value.</summary>
    private sealed class ShapeKey : IEquatable<ShapeKey>
    {
        private readonly int[] _flat;
        private readonly int _hash;

        public ShapeKey(int[][] shapes)
        {
            var flat = new List<int>();
            var h = new HashCode();
            foreach (var s in shapes)
            {
                flat.Add(s.Length);
                flat.AddRange(s);
            }
            _flat = [.. flat];
            foreach (var v in _flat)
                h.Add(v);
            _hash = h.ToHashCode();
        }

        public bool Equals(ShapeKey? other) => other is not null && _flat.AsSpan().SequenceEqual(other._flat);

        public override bool Equals(object? obj) => Equals(obj as ShapeKey);

        public override int GetHashCode() => _hash;
    }
}
