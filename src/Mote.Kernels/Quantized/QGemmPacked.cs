using System.Runtime.CompilerServices;

namespace Mote.Kernels.Quantized;

/// <summary>
/// A constant operand of <see cref="QGemmKernel"/> in the layout of the variant that packed it (its zero
/// points already applied). Immutable and shareable across threads and sessions; using it with another
/// variant throws.
/// </summary>
public abstract unsafe class QGemmPacked
{
    private readonly int[] _data;

    private protected QGemmPacked(string variant, int rows, int columns, int length)
    {
        Variant = variant;
        Rows = rows;
        Columns = columns;
        _data = GC.AllocateArray<int>(Math.Max(1, length), pinned: true);
    }

    /// <summary>Name of the variant whose layout this is.</summary>
    public string Variant { get; }

    /// <summary>Rows of the packed matrix (A: M; B: K).</summary>
    public int Rows { get; }

    /// <summary>Columns of the packed matrix (A: K; B: N).</summary>
    public int Columns { get; }

    /// <summary>Bytes held, for diagnostics.</summary>
    public long Bytes => _data.LongLength * sizeof(int);

    internal int* Pointer => (int*)Unsafe.AsPointer(ref _data[0]);
}

/// <summary>The left operand (M×K, e.g. convolution weights with per-output-channel zero points) packed once.</summary>
public sealed class QGemmPackedA : QGemmPacked
{
    internal QGemmPackedA(string variant, int m, int k, int length) : base(variant, m, k, length) { }
}

/// <summary>The right operand (K×N, e.g. MatMul weights with per-column zero points) packed once.</summary>
public sealed class QGemmPackedB : QGemmPacked
{
    internal QGemmPackedB(string variant, int k, int n, int length) : base(variant, k, n, length) { }
}
