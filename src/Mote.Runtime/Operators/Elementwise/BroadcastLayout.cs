namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// Iteration layout for a broadcasting elementwise operation over up to three operands, built on the
/// stack (no allocation while a node executes): the output shape with size-1 dimensions dropped and
/// adjacent dimensions merged wherever every operand allows it, each operand's element stride per
/// merged dimension (0 where it is broadcast), and a cursor over the innermost runs. The innermost
/// merged dimension is a contiguous run for every operand whose stride there is 1.
/// </summary>
internal ref struct BroadcastLayout
{
    private readonly Span<int> _dims;
    private readonly Span<long> _strides;
    private readonly Span<int> _index;
    private readonly Span<long> _offsets;

    /// <summary>
    /// Lays out <paramref name="operands"/> (1 to 3 shapes, each broadcastable to <paramref name="outShape"/>).
    /// The buffers come from the caller's stack: <c>dims</c> and <c>index</c> at least
    /// max(1, rank) long, <c>strides</c> operands·max(1, rank), <c>offsets</c> operands.
    /// </summary>
    public BroadcastLayout(ReadOnlySpan<int> outShape, ReadOnlySpan<int> s0, ReadOnlySpan<int> s1, ReadOnlySpan<int> s2, int operands,
        Span<int> dims, Span<long> strides, Span<int> index, Span<long> offsets)
    {
        int rank = outShape.Length;
        int width = Math.Max(1, rank);
        Operands = operands;
        Width = width;
        int m = 0;
        Span<long> acc = stackalloc long[3];
        acc.Fill(1);
        // Walk from the innermost dimension outward, merging into the previous (inner) merged dim when
        // stepping over the new dim equals stepping the merged dim's full length for every operand.
        Span<long> cur = stackalloc long[3];
        for (int i = rank - 1; i >= 0; i--)
        {
            int d = outShape[i];
            if (d == 1)
                continue;
            for (int k = 0; k < operands; k++)
            {
                var s = k == 0 ? s0 : k == 1 ? s1 : s2;
                int j = i - (rank - s.Length);
                int sd = j >= 0 ? s[j] : 1;
                cur[k] = sd == 1 ? 0 : acc[k];
                acc[k] *= sd;
            }
            bool merge = m > 0;
            for (int k = 0; k < operands && merge; k++)
                merge = cur[k] == strides[k * width + (m - 1)] * dims[m - 1];
            if (merge)
            {
                dims[m - 1] *= d;
                continue;
            }
            dims[m] = d;
            for (int k = 0; k < operands; k++)
                strides[k * width + m] = cur[k];
            m++;
        }
        if (m == 0)
        {
            dims[0] = 1;
            for (int k = 0; k < operands; k++)
                strides[k * width] = 0;
            m = 1;
        }
        // Dimensions were collected innermost first; keep that order (index 0 = innermost).
        Rank = m;
        _dims = dims[..m];
        _strides = strides;
        _index = index[..m];
        _index.Clear();
        _offsets = offsets[..operands];
        _offsets.Clear();
        long outer = 1;
        for (int i = 1; i < m; i++)
            outer *= _dims[i];
        Outer = outer;
    }

    // Row length of the strides buffer: max(1, output rank).
    private int Width { get; }

    /// <summary>Number of operands laid out.</summary>
    public int Operands { get; }

    /// <summary>Number of merged dimensions (at least one).</summary>
    public int Rank { get; }

    /// <summary>Length of each innermost run.</summary>
    public readonly int Inner => _dims[0];

    /// <summary>Number of innermost runs.</summary>
    public long Outer { get; }

    /// <summary>Element stride of operand <paramref name="k"/> along the innermost run: 1, or 0 when broadcast.</summary>
    public readonly long InnerStride(int k) => _strides[k * Width];

    /// <summary>Element offset of operand <paramref name="k"/> at the start of the current run.</summary>
    public readonly long Offset(int k) => _offsets[k];

    /// <summary>Advances to the next run (runs are visited in output order).</summary>
    public void Next()
    {
        for (int d = 1; d < Rank; d++)
        {
            if (++_index[d] < _dims[d])
            {
                for (int k = 0; k < Operands; k++)
                    _offsets[k] += _strides[k * Width + d];
                return;
            }
            _index[d] = 0;
            for (int k = 0; k < Operands; k++)
                _offsets[k] -= _strides[k * Width + d] * (_dims[d] - 1);
        }
    }
}
