namespace Mote.Format;

/// <summary>
/// Which tensors a node may read while a graph section is checked: every tensor is produced at most once in
/// the whole model, and what a subgraph produces stops being readable when that subgraph ends.
/// </summary>
internal sealed class TensorScopes
{
    private readonly bool[] _produced;
    private readonly bool[] _available;
    private readonly List<int> _defined = [];
    private readonly List<int> _marks = [];

    public TensorScopes(int tensorCount)
    {
        _produced = new bool[tensorCount];
        _available = new bool[tensorCount];
    }

    public void Enter() => _marks.Add(_defined.Count);

    public void Exit()
    {
        int mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        for (int i = mark; i < _defined.Count; i++)
            _available[_defined[i]] = false;
        _defined.RemoveRange(mark, _defined.Count - mark);
    }

    /// <summary>Marks tensor <paramref name="index"/> produced in the current scope; false if it already was produced anywhere.</summary>
    public bool TryProduce(int index)
    {
        if (_produced[index])
            return false;
        _produced[index] = true;
        _available[index] = true;
        _defined.Add(index);
        return true;
    }

    public bool IsAvailable(int index) => _available[index];
}
