using System.IO.Hashing;

namespace Mote.Format;

/// <summary>
/// Placement of constant data in the weights section: in tensor index order, each constant at the next
/// offset that is a multiple of <see cref="MoteConstants.WeightAlignment"/>, zero bytes in between. The
/// section itself starts 64-aligned in the file, so every constant is 64-aligned in the file too.
/// </summary>
internal sealed class WeightsLayout
{
    private static readonly byte[] Zeros = new byte[MoteConstants.WeightAlignment];
    private readonly IReadOnlyList<TensorDef> _tensors;
    private readonly long[] _offsets;

    private WeightsLayout(IReadOnlyList<TensorDef> tensors, long[] offsets, long length)
    {
        _tensors = tensors;
        _offsets = offsets;
        Length = length;
    }

    /// <summary>Total section length: the end of the last constant's data (no trailing padding).</summary>
    public long Length { get; }

    /// <summary>Offset of tensor <paramref name="index"/>'s data relative to the section start; -1 for non-constants.</summary>
    public long OffsetOf(int index) => _offsets[index];

    public static WeightsLayout Build(IReadOnlyList<TensorDef> tensors)
    {
        var offsets = new long[tensors.Count];
        long end = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            if (tensors[i].Data is not { } data)
            {
                offsets[i] = -1;
                continue;
            }
            offsets[i] = ShapeMath.AlignUp(end, MoteConstants.WeightAlignment);
            end = offsets[i] + data.Length;
        }
        return new WeightsLayout(tensors, offsets, end);
    }

    /// <summary>XXH3-64 of the section bytes, computed without materializing the section.</summary>
    public ulong Checksum()
    {
        var hash = new XxHash3();
        Emit(hash.Append);
        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>Writes the section bytes to <paramref name="output"/>.</summary>
    public void WriteTo(Stream output) => Emit(output.Write);

    private void Emit(SpanAction sink)
    {
        long position = 0;
        for (int i = 0; i < _tensors.Count; i++)
        {
            if (_offsets[i] < 0)
                continue;
            sink(Zeros.AsSpan(0, (int)(_offsets[i] - position)));
            var data = _tensors[i].Data!.Value.Span;
            sink(data);
            position = _offsets[i] + data.Length;
        }
    }

    private delegate void SpanAction(ReadOnlySpan<byte> bytes);
}
