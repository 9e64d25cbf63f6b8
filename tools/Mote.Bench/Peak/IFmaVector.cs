using System.Runtime.Intrinsics;

namespace Mote.Bench.Peak;

/// <summary>One vector width for the FMA peak loop: a fused multiply-add and its lane count.</summary>
internal interface IFmaVector<TSelf> where TSelf : struct, IFmaVector<TSelf>
{
    /// <summary>fp32 lanes per vector.</summary>
    static abstract int Lanes { get; }

    /// <summary>Vector bits (128, 256, 512).</summary>
    static abstract int Bits { get; }

    /// <summary>Whether this width is hardware accelerated with a fused multiply-add in this process.</summary>
    static abstract bool IsAccelerated { get; }

    /// <summary>All lanes set to <paramref name="value"/>.</summary>
    static abstract TSelf Create(float value);

    /// <summary><c>a·b + c</c>, one rounding.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);

    /// <summary>Sum of the lanes (keeps the loop's result alive).</summary>
    float Sum();
}

/// <summary>128-bit lanes (SSE/AVX FMA3 on x64, NEON FMLA on ARM64).</summary>
internal readonly struct Fma128(Vector128<float> v) : IFmaVector<Fma128>
{
    public static int Lanes => Vector128<float>.Count;
    public static int Bits => 128;
    // On x64 Vector128.FusedMultiplyAdd is a software fallback without FMA3.
    public static bool IsAccelerated => Vector128.IsHardwareAccelerated
        && (System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported);
    public static Fma128 Create(float value) => new(Vector128.Create(value));
    public static Fma128 Fma(Fma128 a, Fma128 b, Fma128 c) => new(Vector128.FusedMultiplyAdd(a.V, b.V, c.V));
    public Vector128<float> V => v;
    public float Sum() => Vector128.Sum(v);
}

/// <summary>256-bit lanes (AVX2 + FMA3).</summary>
internal readonly struct Fma256(Vector256<float> v) : IFmaVector<Fma256>
{
    public static int Lanes => Vector256<float>.Count;
    public static int Bits => 256;
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported;
    public static Fma256 Create(float value) => new(Vector256.Create(value));
    public static Fma256 Fma(Fma256 a, Fma256 b, Fma256 c) => new(Vector256.FusedMultiplyAdd(a.V, b.V, c.V));
    public Vector256<float> V => v;
    public float Sum() => Vector256.Sum(v);
}

/// <summary>512-bit lanes (AVX-512F).</summary>
internal readonly struct Fma512(Vector512<float> v) : IFmaVector<Fma512>
{
    public static int Lanes => Vector512<float>.Count;
    public static int Bits => 512;
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;
    public static Fma512 Create(float value) => new(Vector512.Create(value));
    public static Fma512 Fma(Fma512 a, Fma512 b, Fma512 c) => new(Vector512.FusedMultiplyAdd(a.V, b.V, c.V));
    public Vector512<float> V => v;
    public float Sum() => Vector512.Sum(v);
}
