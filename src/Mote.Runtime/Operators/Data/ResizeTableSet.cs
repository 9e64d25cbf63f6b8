using System.Runtime.InteropServices;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// The tap tables of every dimension laid out in one block of memory (scratch while executing,
/// a managed array while planning): per dimension the indices, then the weights, then the
/// outside flags, each dimension's block 8-byte aligned.
/// </summary>
internal readonly ref struct ResizeTableSet
{
    private readonly Span<byte> _memory;
    private readonly ReadOnlySpan<long> _offsets;
    private readonly ReadOnlySpan<int> _out;
    private readonly ReadOnlySpan<int> _taps;

    public ResizeTableSet(Span<byte> memory, ReadOnlySpan<long> offsets, ReadOnlySpan<int> outShape, ReadOnlySpan<int> taps)
    {
        _memory = memory;
        _offsets = offsets;
        _out = outShape;
        _taps = taps;
    }

    /// <summary>Bytes for the tables of all dimensions; fills each dimension's offset.</summary>
    public static long Layout(ReadOnlySpan<int> outShape, ReadOnlySpan<int> taps, Span<long> offsets)
    {
        long at = 0;
        for (int d = 0; d < outShape.Length; d++)
        {
            offsets[d] = at;
            at += (long)outShape[d] * taps[d] * 8 + outShape[d];
            at = (at + 7) & ~7L;
        }
        return at;
    }

    public int Taps(int d) => _taps[d];

    public Span<int> Index(int d) => MemoryMarshal.Cast<byte, int>(_memory.Slice((int)_offsets[d], _out[d] * _taps[d] * 4));

    public Span<float> Weight(int d) => MemoryMarshal.Cast<byte, float>(_memory.Slice((int)_offsets[d] + _out[d] * _taps[d] * 4, _out[d] * _taps[d] * 4));

    public Span<byte> Outside(int d) => _memory.Slice((int)_offsets[d] + _out[d] * _taps[d] * 8, _out[d]);
}
