namespace Mote.Runtime.Operators.Reduce;

/// <summary>
/// Walks a row-major input element by element and tracks the flat index of the output element it
/// reduces into (kept groups keep their position, reduced groups collapse). Buffers come from the
/// caller's stack; nothing is allocated.
/// </summary>
internal ref struct ReducedIndexWalker
{
    private readonly ReadOnlySpan<long> _sizes;
    private readonly Span<long> _stride;
    private readonly Span<long> _index;

    /// <summary>Groups outermost first; <paramref name="stride"/> and <paramref name="index"/> hold sizes.Length elements.</summary>
    public ReducedIndexWalker(ReadOnlySpan<long> sizes, ReadOnlySpan<bool> isReduced, Span<long> stride, Span<long> index)
    {
        _sizes = sizes;
        _stride = stride;
        _index = index;
        long acc = 1;
        for (int j = sizes.Length - 1; j >= 0; j--)
        {
            stride[j] = isReduced[j] ? 0 : acc;
            if (!isReduced[j])
                acc *= sizes[j];
        }
        Reset();
    }

    /// <summary>Output index of the current input element.</summary>
    public long Output { get; private set; }

    /// <summary>Back to input element 0.</summary>
    public void Reset()
    {
        _index.Clear();
        Output = 0;
    }

    /// <summary>Moves to the next input element.</summary>
    public void Next()
    {
        for (int d = _sizes.Length - 1; d >= 0; d--)
        {
            Output += _stride[d];
            if (++_index[d] < _sizes[d])
                return;
            Output -= _stride[d] * _sizes[d];
            _index[d] = 0;
        }
    }
}
