namespace Mote.Kernels.Simd;

/// <summary>
/// A float vector of a fixed instruction set, seen through static abstract members so that one
/// generic kernel driver (GEMM microkernel, depthwise, pooling, activation) is specialised by the JIT
/// for each ISA without copy-paste. Each implementing struct lives in its own file
/// (<c>SimdF32.Vector128.cs</c>, <c>.Avx2.cs</c>, <c>.Avx512.cs</c>) and holds exactly one hardware
/// vector, so the JIT keeps it in a register.
/// </summary>
/// <remarks>
/// Contract: <see cref="Load"/>/<see cref="Store"/> are unaligned and touch exactly <see cref="Count"/>
/// floats; <see cref="LoadEven"/> touches exactly <c>2·Count − 1</c> floats. <see cref="Max"/> and
/// <see cref="Min"/> propagate NaN like <see cref="MathF.Max(float, float)"/>.
/// </remarks>
internal unsafe interface ISimdF32<TSelf> where TSelf : unmanaged, ISimdF32<TSelf>
{
    /// <summary>Number of float lanes.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>All lanes <paramref name="x"/>.</summary>
    static abstract TSelf Splat(float x);

    /// <summary>Reads <see cref="Count"/> floats at <paramref name="p"/>.</summary>
    static abstract TSelf Load(float* p);

    /// <summary>Reads <c>p[0], p[2], …, p[2·(Count−1)]</c> (stride-2 windows of pooling and convolution).</summary>
    static abstract TSelf LoadEven(float* p);

    /// <summary>Writes <see cref="Count"/> floats at <paramref name="p"/>.</summary>
    static abstract void Store(float* p, TSelf v);

    /// <summary>Lane-wise sum.</summary>
    static abstract TSelf Add(TSelf a, TSelf b);

    /// <summary>Lane-wise difference.</summary>
    static abstract TSelf Subtract(TSelf a, TSelf b);

    /// <summary>Lane-wise product.</summary>
    static abstract TSelf Multiply(TSelf a, TSelf b);

    /// <summary>Lane-wise quotient.</summary>
    static abstract TSelf Divide(TSelf a, TSelf b);

    /// <summary><c>a·b + c</c>; fused (one rounding) on x64 FMA and ARM64, the tier's fastest form otherwise.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>Lane-wise IEEE maximum (NaN propagates).</summary>
    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>Lane-wise IEEE minimum (NaN propagates).</summary>
    static abstract TSelf Min(TSelf a, TSelf b);

    /// <summary>Lane-wise absolute value.</summary>
    static abstract TSelf Abs(TSelf a);

    /// <summary>Lane-wise <c>|magnitude|</c> with the sign of <paramref name="sign"/>.</summary>
    static abstract TSelf CopySign(TSelf magnitude, TSelf sign);

    /// <summary>Lane-wise e^x.</summary>
    static abstract TSelf Exp(TSelf x);

    /// <summary>Lane mask (all bits set) where <c>a &lt; b</c>.</summary>
    static abstract TSelf LessThan(TSelf a, TSelf b);

    /// <summary>Lane-wise <c>mask ? a : b</c> for masks produced by the comparisons.</summary>
    static abstract TSelf Select(TSelf mask, TSelf a, TSelf b);
}
