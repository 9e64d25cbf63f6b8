using System.Runtime.Intrinsics;

namespace Mote.Kernels.Elementwise;

/// <summary>The widest vectors an elementwise kernel may use; <see cref="Scalar"/> runs the scalar reference.</summary>
public enum SimdWidth
{
    /// <summary>No vectors: the scalar reference loop.</summary>
    Scalar = 0,
    /// <summary><c>Vector128</c> (x64 SSE/AVX, ARM64 NEON).</summary>
    V128 = 128,
    /// <summary><c>Vector256</c> (x64 AVX2).</summary>
    V256 = 256,
    /// <summary><c>Vector512</c> (x64 AVX-512F).</summary>
    V512 = 512,
}

/// <summary>Chooses the elementwise vector width once from a feature set.</summary>
public static class SimdWidths
{
    /// <summary>
    /// The widest width that <paramref name="features"/> allow and this process accelerates. A width
    /// the hardware has but the features exclude (tests limiting tiers) is never used.
    /// </summary>
    public static SimdWidth For(CpuFeatures features)
    {
        if (features.Avx512F && Vector512.IsHardwareAccelerated)
            return SimdWidth.V512;
        if (features.Avx2Fma && Vector256.IsHardwareAccelerated)
            return SimdWidth.V256;
        if ((features.Vector128 || features.AdvSimdArm64) && Vector128.IsHardwareAccelerated)
            return SimdWidth.V128;
        return SimdWidth.Scalar;
    }

    /// <summary>Every width this process can run, narrowest first (for tests and benchmarks).</summary>
    public static IReadOnlyList<SimdWidth> Available
    {
        get
        {
            var r = new List<SimdWidth> { SimdWidth.Scalar };
            if (Vector128.IsHardwareAccelerated)
                r.Add(SimdWidth.V128);
            if (Vector256.IsHardwareAccelerated)
                r.Add(SimdWidth.V256);
            if (Vector512.IsHardwareAccelerated)
                r.Add(SimdWidth.V512);
            return r;
        }
    }
}
