using System.Runtime.CompilerServices;

namespace Mote.Kernels.Gemm;

/// <summary>
/// Immutable panels of a constant operand, produced by <see cref="SgemmKernel.PackA"/> or
/// <see cref="SgemmKernel.PackB"/> and usable only with a kernel of the same <see cref="Layout"/>
/// (the variant that packed it). Layout: the operand is cut into panels of <c>Tile</c> rows of op(A)
/// (or columns of op(B)), the last one zero-padded; panel p holds depth index k's <c>Tile</c> values
/// contiguously at <c>(p·Depth + k)·Tile</c>. Thread-safe to share between sessions and threads.
/// </summary>
public abstract unsafe class SgemmPacked
{
    private readonly float[] _data;
    private readonly int _offset;

    private protected SgemmPacked(string layout, int length, int depth, int tile)
    {
        Layout = layout;
        Length = length;
        Depth = depth;
        Tile = tile;
        int panels = (length + tile - 1) / tile;
        long floats = (long)panels * depth * tile;
        _data = GC.AllocateArray<float>(checked((int)floats + 16), pinned: true);
        nint p = (nint)Unsafe.AsPointer(ref _data[0]);
        _offset = (int)((((p + 63) & ~(nint)63) - p) / sizeof(float));
    }

    /// <summary>The variant name whose microkernel reads these panels.</summary>
    public string Layout { get; }

    /// <summary>M for packed A, N for packed B.</summary>
    public int Length { get; }

    /// <summary>K.</summary>
    public int Depth { get; }

    /// <summary>Rows (A) or columns (B) per panel.</summary>
    public int Tile { get; }

    /// <summary>Bytes held.</summary>
    public long SizeInBytes => _data.LongLength * sizeof(float);

    internal float* Pointer => (float*)Unsafe.AsPointer(ref _data[_offset]);
}

/// <summary>The A operand (M × K, already transposed if asked) packed once; see <see cref="SgemmPacked"/>.</summary>
public sealed class SgemmPackedA : SgemmPacked
{
    internal SgemmPackedA(string layout, int m, int k, int tileRows) : base(layout, m, k, tileRows) { }

    /// <summary>M.</summary>
    public int Rows => Length;
}

/// <summary>The B operand (K × N, already transposed if asked) packed once; see <see cref="SgemmPacked"/>.</summary>
public sealed class SgemmPackedB : SgemmPacked
{
    internal SgemmPackedB(string layout, int k, int n, int tileColumns) : base(layout, n, k, tileColumns) { }

    /// <summary>N.</summary>
    public int Columns => Length;
}
