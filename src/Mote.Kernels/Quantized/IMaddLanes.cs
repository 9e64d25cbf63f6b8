namespace Mote.Kernels.Quantized;

/// <summary>
/// An int32 vector of one instruction set for the 16-bit multiply-add-adjacent GEMM
/// (<see cref="QGemmMadd{TV, TRows, TCols}"/>): each int32 lane holds a pair of int16 values (low half first),
/// and <see cref="MultiplyAddPairs"/> adds <c>a.lo·b.lo + a.hi·b.hi</c> to each lane. Products of 9-bit
/// values (an 8-bit value minus its zero point) and their pair sums fit int32 exactly. Each implementing struct
/// lives in its own file (<c>MaddLanes.Vector128.cs</c>, <c>.Avx2.cs</c>, <c>.Avx512.cs</c>).
/// </summary>
internal unsafe interface IMaddLanes<TSelf> where TSelf : unmanaged, IMaddLanes<TSelf>
{
    /// <summary>Number of int32 lanes.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>All lanes <paramref name="pair"/>.</summary>
    static abstract TSelf Splat(int pair);

    /// <summary>Reads <see cref="Count"/> ints.</summary>
    static abstract TSelf Load(int* p);

    /// <summary>Writes <see cref="Count"/> ints.</summary>
    static abstract void Store(int* p, TSelf v);

    /// <summary>Lane-wise wrapping sum.</summary>
    static abstract TSelf Add(TSelf a, TSelf b);

    /// <summary><c>c + a.lo·b.lo + a.hi·b.hi</c> per lane (the int16 halves of each int32 lane, signed).</summary>
    static abstract TSelf MultiplyAddPairs(TSelf a, TSelf b, TSelf c);
}
