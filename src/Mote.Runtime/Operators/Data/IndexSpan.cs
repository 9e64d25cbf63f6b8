using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>Reads an int32 or int64 index tensor as 64-bit values without copying it.</summary>
internal readonly ref struct IndexSpan
{
    private readonly ReadOnlySpan<int> _narrow;
    private readonly ReadOnlySpan<long> _wide;
    private readonly bool _isWide;

    public IndexSpan(TensorValue t)
    {
        switch (t.Type)
        {
            case DataType.Int64:
                _wide = t.Span<long>();
                _isWide = true;
                break;
            case DataType.Int32:
                _narrow = t.Span<int>();
                break;
            default:
                throw new MoteNotSupportedException($"indices must be int32 or int64, got {t.Type.ShortName()}");
        }
    }

    public int Length => _isWide ? _wide.Length : _narrow.Length;

    public long this[int i] => _isWide ? _wide[i] : _narrow[i];

    /// <summary>All values, widened to 64 bits.</summary>
    public void CopyTo(Span<long> dst)
    {
        for (int i = 0; i < Length; i++)
            dst[i] = this[i];
    }

    /// <summary>
    /// Index <paramref name="i"/> mapped into [0, <paramref name="dim"/>): negative values count from
    /// the end; anything else out of range is a shape error naming <paramref name="what"/>.
    /// </summary>
    public int Resolve(int i, int dim, string what)
    {
        long v = this[i];
        long r = v < 0 ? v + dim : v;
        if ((ulong)r >= (ulong)dim)
            throw new MoteShapeException($"{what} index {v} is out of range for a dimension of {dim}");
        return (int)r;
    }
}
