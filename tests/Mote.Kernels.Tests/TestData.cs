namespace Mote.Kernels.Tests;

internal static class TestData
{
    public static float[] Random(int length, int seed, float lo = -1f, float hi = 1f)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = lo + (hi - lo) * rng.NextSingle();
        return x;
    }

    /// <summary>Variants of a family that this process can run (the others are reported, not silently passed).</summary>
    public static IEnumerable<KernelVariant> Runnable(KernelFamily family) =>
        KernelRegistry.Of(family).Where(v => v.IsSupportedBy(CpuFeatures.Detect()));

    public static TheoryData<string> VariantNames(KernelFamily family)
    {
        var data = new TheoryData<string>();
        foreach (var v in KernelRegistry.Of(family)) data.Add(v.Name);
        return data;
    }

    public static KernelVariant Variant(string name) => KernelRegistry.All.Single(v => v.Name == name);

    public const float Sentinel = -7.77e30f;
}
