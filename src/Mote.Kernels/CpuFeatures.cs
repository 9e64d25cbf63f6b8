using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Mote.Kernels;

/// <summary>
/// The instruction-set features kernels may use. <see cref="Detect"/> reads what this process can
/// execute (after JIT switches such as <c>DOTNET_EnableAVX2=0</c>, or the NativeAOT
/// <c>IlcInstructionSet</c>); tests build reduced sets to exercise every tier.
/// </summary>
public readonly record struct CpuFeatures
{
    /// <summary>128-bit SIMD (SSE4.1-class on x64, AdvSimd on ARM64) is hardware accelerated.</summary>
    public bool Vector128 { get; init; }

    /// <summary>x64 AVX2 with FMA3.</summary>
    public bool Avx2Fma { get; init; }

    /// <summary>x64 AVX-512 Foundation (512-bit float lanes).</summary>
    public bool Avx512F { get; init; }

    /// <summary>x64 AVX-512 BW (byte/word lanes).</summary>
    public bool Avx512BW { get; init; }

    /// <summary>ARM64 Advanced SIMD (NEON) with the A64 additions.</summary>
    public bool AdvSimdArm64 { get; init; }

    /// <summary>ARM64 dot-product instructions (SDOT/UDOT; Cortex-A76 and later).</summary>
    public bool ArmDot { get; init; }

    /// <summary>No SIMD at all: only scalar reference kernels.</summary>
    public static CpuFeatures None => default;

    /// <summary>
    /// Features available to this process: what the runtime reports (which already reflects JIT switches
    /// such as <c>DOTNET_EnableAVX512=0</c> or, on ARM64, <c>DOTNET_EnableArm64Dp=0</c> and
    /// <c>DOTNET_EnableArm64AdvSimd=0</c>), further reduced by those switches read directly, so that they
    /// also apply under NativeAOT and the pre-.NET 10 name <c>DOTNET_EnableAVX512F</c> (which the .NET 10 JIT
    /// ignores) still turns the AVX-512 kernels off.
    /// </summary>
    public static CpuFeatures Detect()
    {
        var f = new CpuFeatures
        {
            Vector128 = System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated,
            // The Vector256/512 acceleration flags carry DOTNET_PreferredVectorBitWidth: a process told to
            // prefer 256-bit vectors keeps Avx512F.IsSupported but must not get 512-bit kernels.
            Avx2Fma = Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated,
            Avx512F = System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported
                && Vector512.IsHardwareAccelerated,
            Avx512BW = System.Runtime.Intrinsics.X86.Avx512BW.IsSupported,
            AdvSimdArm64 = AdvSimd.Arm64.IsSupported,
            ArmDot = Dp.IsSupported,
        };
        if (SwitchedOff("DOTNET_EnableHWIntrinsic")) return None;
        if (SwitchedOff("DOTNET_EnableAVX2")) f = f with { Avx2Fma = false, Avx512F = false, Avx512BW = false };
        if (SwitchedOff("DOTNET_EnableAVX512") || SwitchedOff("DOTNET_EnableAVX512F")) f = f with { Avx512F = false, Avx512BW = false };
        // On ARM64, AdvSimd is the only 128-bit SIMD: switching it off leaves the scalar references.
        if (SwitchedOff("DOTNET_EnableArm64AdvSimd") && AdvSimd.IsSupported) return None;
        if (SwitchedOff("DOTNET_EnableArm64Dp")) f = f with { ArmDot = false };
        return f;
    }

    /// <summary>Whether a runtime switch (<c>DOTNET_</c> or legacy <c>COMPlus_</c> prefix) is set to 0.</summary>
    private static bool SwitchedOff(string name) =>
        Environment.GetEnvironmentVariable(name) == "0" || Environment.GetEnvironmentVariable("COMPlus_" + name["DOTNET_".Length..]) == "0";

    /// <summary>This set without anything wider than <paramref name="maxBits"/>-bit vectors (0 = scalar only).</summary>
    public CpuFeatures LimitVectorBits(int maxBits) => this with
    {
        Vector128 = Vector128 && maxBits >= 128,
        AdvSimdArm64 = AdvSimdArm64 && maxBits >= 128,
        ArmDot = ArmDot && maxBits >= 128,
        Avx2Fma = Avx2Fma && maxBits >= 256,
        Avx512F = Avx512F && maxBits >= 512,
        Avx512BW = Avx512BW && maxBits >= 512,
    };

    /// <summary>A short list such as <c>avx512f avx2+fma v128</c>, or <c>scalar</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Avx512F) parts.Add("avx512f");
        if (Avx512BW) parts.Add("avx512bw");
        if (Avx2Fma) parts.Add("avx2+fma");
        if (AdvSimdArm64) parts.Add("neon");
        if (ArmDot) parts.Add("dotprod");
        if (Vector128) parts.Add("v128");
        return parts.Count == 0 ? "scalar" : string.Join(' ', parts);
    }
}
