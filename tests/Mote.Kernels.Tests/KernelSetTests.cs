using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Mote.Kernels.Quantized;

namespace Mote.Kernels.Tests;

public class KernelSetTests
{
    private static KernelTier Widest(CpuFeatures f) =>
        f.Avx512F ? KernelTier.Avx512 : f.Avx2Fma ? KernelTier.Avx2 : f.Vector128 ? KernelTier.Vector128 : KernelTier.Reference;

    [Fact]
    public void NoFeaturesChoosesReferenceEverywhere()
    {
        var set = KernelSet.Create(CpuFeatures.None);
        foreach (KernelFamily family in Enum.GetValues<KernelFamily>())
            Assert.Equal(KernelTier.Reference, set.Chosen(family).Tier);
        Assert.Equal("SgemmReference", set.Sgemm.Name);
    }

    [Fact]
    public void DetectedFeaturesChooseTheWidestTier()
    {
        var f = CpuFeatures.Detect();
        var set = KernelSet.Create(f);
        foreach (KernelFamily family in Enum.GetValues<KernelFamily>())
            Assert.Equal(Widest(f), set.Chosen(family).Tier);
        // On an AVX-512 machine with no switch turning it off, that is the AVX-512 tier.
        if (Avx512F.IsSupported && Avx512F.VL.IsSupported && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated
            && Environment.GetEnvironmentVariable("DOTNET_EnableAVX512F") != "0")
            Assert.Equal(KernelTier.Avx512, set.Sgemm.Tier);
    }

    [Fact]
    public void LimitingVectorBitsStepsDownTheTiers()
    {
        var f = CpuFeatures.Detect();
        Assert.Equal(f.Avx2Fma ? KernelTier.Avx2 : f.Vector128 ? KernelTier.Vector128 : KernelTier.Reference,
            KernelSet.Create(f.LimitVectorBits(256)).Sgemm.Tier);
        Assert.Equal(f.Vector128 ? KernelTier.Vector128 : KernelTier.Reference, KernelSet.Create(f.LimitVectorBits(128)).Sgemm.Tier);
        Assert.Equal(KernelTier.Reference, KernelSet.Create(f.LimitVectorBits(0)).Sgemm.Tier);
        if (f.Avx512F) Assert.Equal("Sgemm6x16Avx2", KernelSet.Create(f.LimitVectorBits(256)).Sgemm.Name);
    }

    [Fact]
    public void DetectHonoursRuntimeSwitches()
    {
        // Run the suite under DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0 to exercise
        // this; without a switch it checks the detected tier only.
        var set = KernelSet.Create(CpuFeatures.Detect());
        string? Env(string n) => Environment.GetEnvironmentVariable(n);
        if (Env("DOTNET_EnableAVX512") == "0" || Env("DOTNET_EnableAVX512F") == "0")
        {
            Assert.NotEqual(KernelTier.Avx512, set.Sgemm.Tier);
            Assert.False(CpuFeatures.Detect().Avx512F);
        }
        if (Env("DOTNET_EnableAVX2") == "0")
            Assert.True(set.Sgemm.Tier <= KernelTier.Vector128, set.Sgemm.Name);
        if (Env("DOTNET_EnableHWIntrinsic") == "0")
        {
            Assert.Equal(KernelTier.Reference, set.Sgemm.Tier);
            Assert.Equal(CpuFeatures.None, CpuFeatures.Detect());
        }
        if (Env("DOTNET_EnableAVX512") == "0")
            Assert.False(Avx512F.IsSupported); // the JIT itself took the switch, not only Detect()
        if (Env("DOTNET_EnableArm64Dp") == "0")
        {
            Assert.False(CpuFeatures.Detect().ArmDot);
            Assert.False(Dp.IsSupported);
        }
        if (Env("DOTNET_EnableArm64AdvSimd") == "0")
        {
            Assert.Equal(KernelTier.Reference, set.Sgemm.Tier);
            Assert.False(AdvSimd.IsSupported);
        }
    }

    [Fact]
    public void DetectedFeaturesAreTheOnesTheRunnerExpects()
    {
        // tools/scripts/arm64.sh runs this suite under qemu as a Cortex-A72 ("neon v128": no dot product) and as a
        // Cortex-A76 ("neon dotprod v128") and says which it expects, so an emulated CPU or a switch that quietly
        // changes the features fails here instead of testing the wrong kernels.
        var expected = Environment.GetEnvironmentVariable("MOTE_EXPECT_FEATURES");
        Assert.SkipWhen(expected is null, "MOTE_EXPECT_FEATURES is not set");
        Assert.Equal(expected, CpuFeatures.Detect().ToString());
    }

    [Fact]
    public void Arm64ChoosesTheAdvSimdVariants()
    {
        Assert.SkipUnless(AdvSimd.Arm64.IsSupported, "not an ARM64 process with AdvSimd");
        var f = CpuFeatures.Detect();
        Assert.True(f.AdvSimdArm64);
        Assert.True(f.Vector128);
        Assert.Equal(Dp.IsSupported, f.ArmDot);
        // The Vector128 variants are the AdvSimd ones on ARM64 (the JIT lowers Vector128 to NEON); none needs more.
        // SGEMM's is the lane-indexed NEON tile.
        var set = KernelSet.Create(f);
        foreach (KernelFamily family in Enum.GetValues<KernelFamily>())
            Assert.Equal(KernelTier.Vector128, set.Chosen(family).Tier);
        Assert.Equal("Sgemm8x12Neon", set.Sgemm.Name);
        var quant = QuantKernelSet.Create(f);
        Assert.Equal("QGemm4x8Vector128", quant.QGemm.Name);
        Assert.Equal("QuantizeLinearVector128", quant.QuantizeLinear.Name);
        // Without dot product (a Cortex-A72, or DOTNET_EnableArm64Dp=0) the same variants are chosen.
        Assert.Equal("QGemm4x8Vector128", QuantKernelSet.Create(f with { ArmDot = false }).QGemm.Name);
    }

    [Fact]
    public void DescribeListsEveryFamilyOnce()
    {
        var d = KernelSet.Create(CpuFeatures.Detect()).Describe();
        Assert.Equal(Enum.GetNames<KernelFamily>().Order(), d.Select(p => p.Family).Order());
        Assert.All(d, p => Assert.Contains(KernelRegistry.All, v => v.Name == p.Variant && v.Family.ToString() == p.Family));
    }

    [Fact]
    public void RegistryHasAReferenceAndEveryTierForEveryFamily()
    {
        foreach (KernelFamily family in Enum.GetValues<KernelFamily>())
            Assert.Equal(Enum.GetValues<KernelTier>(), KernelRegistry.Of(family).Select(v => v.Tier).ToArray());
        Assert.Equal(KernelRegistry.All.Count, KernelRegistry.All.Select(v => v.Name).Distinct().Count());
    }
}
