namespace Mote.Runtime.Operators.Data;

/// <summary>
/// Walks the rows (all but the last dimension) of an index-shaped tensor and keeps the matching
/// data offset with the axis coordinate left out; the caller adds index·<see cref="AxisStride"/>
/// and column·<see cref="LastStride"/>.
/// </summary>
internal ref struct AxisWalk
{
    private readonly Span<int> _ctr;
    private readonly ReadOnlySpan<int> _shape;
    private readonly Span<long> _strides;

    /// <param name="dataShape">Shape of the tensor the offsets address.</param>
    /// <param name="shape">Shape being walked (the indices'), same rank.</param>
    /// <param name="axis">The indexed dimension.</param>
    /// <param name="strides">Rank-sized work space.</param>
    /// <param name="counters">Rank-sized work space.</param>
    public AxisWalk(ReadOnlySpan<int> dataShape, ReadOnlySpan<int> shape, int axis, Span<long> strides, Span<int> counters)
    {
        int r = dataShape.Length;
        ElementCopy.Strides(dataShape, strides);
        AxisStride = strides[axis];
        LastStride = axis == r - 1 ? 0 : strides[r - 1];
        // The axis coordinate never contributes to the base.
        strides[axis] = 0;
        _strides = strides;
        _shape = shape;
        counters.Clear();
        _ctr = counters;
        Base = 0;
    }

    public long Base { get; private set; }

    public long AxisStride { get; }

    public long LastStride { get; }

    public void Next()
    {
        for (int k = _shape.Length - 2; k >= 0; k--)
        {
            if (++_ctr[k] < _shape[k])
            {
                Base += _strides[k];
                return;
            }
            _ctr[k] = 0;
            Base -= _strides[k] * (_shape[k] - 1);
        }
    }
}
