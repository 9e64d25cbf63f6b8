using Mote.Kernels.Gemm;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Tests;

public class SgemmTests
{
    public static TheoryData<string> Variants => TestData.VariantNames(KernelFamily.Sgemm);

    private static SgemmKernel? Kernel(string name)
    {
        var v = TestData.Variant(name);
        return v.IsSupportedBy(CpuFeatures.Detect()) ? (SgemmKernel)v.Kernel : null;
    }

    private static int[] EdgeSizes(SgemmKernel k) =>
        new[] { 1, 2, 3, 7, 13, 17, 31, 64, 97, 127, k.TileRows - 1, k.TileRows, k.TileRows + 1, k.TileColumns - 1, k.TileColumns, k.TileColumns + 1 }
            .Where(s => s >= 1).Distinct().Order().ToArray();

    [Theory]
    [MemberData(nameof(Variants))]
    public void MatchesReference_EdgeSizes_AllTranspositions(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        int[] sizes = EdgeSizes(kernel);
        int[] depths = [1, 2, 3, 7, 17, 64, 127, 128, 129, 257];
        int i = 0;
        foreach (int m in sizes)
            foreach (int n in sizes)
            {
                int k = depths[i++ % depths.Length];
                var c = new GemmCase { M = m, N = n, K = k, TransA = (i & 1) != 0, TransB = (i & 2) != 0, Pad = i % 3 == 0 ? 0 : 5, Seed = i };
                c.Check(kernel);
            }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void MatchesReference_AllEpilogues(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        Activation[] acts = [Activation.None, Activation.Relu, Activation.Clip(-0.5f, 0.75f), Activation.LeakyRelu(0.1f),
            Activation.Sigmoid, Activation.HardSigmoid(0.2f, 0.5f), Activation.HardSwish, Activation.Tanh];
        int seed = 0;
        foreach (var act in acts)
            foreach (var bias in new[] { GemmBiasKind.None, GemmBiasKind.PerRow, GemmBiasKind.PerColumn })
                foreach (var (alpha, beta) in new[] { (1f, 0f), (0.5f, 1f), (-2f, 0.25f) })
                    foreach (var (m, n, k) in new[] { (kernel.TileRows + 3, kernel.TileColumns * 2 + 5, 300), (2, 37, 19), (1, 5, 1) })
                        new GemmCase { M = m, N = n, K = k, Alpha = alpha, Beta = beta, BiasKind = bias, Activation = act, Pad = 3, Seed = ++seed, TransB = seed % 2 == 0, Residual = seed % 3 == 0 }.Check(kernel);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EmptyDimensions(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        // K = 0: C = act(beta·C + bias); M or N = 0: nothing happens.
        new GemmCase { M = 5, N = 9, K = 0, Beta = 0.5f, BiasKind = GemmBiasKind.PerColumn, Activation = Activation.Relu }.Check(kernel);
        new GemmCase { M = 5, N = 9, K = 0 }.Check(kernel, GemmEntry.PackedA);
        new GemmCase { M = 0, N = 9, K = 4 }.Check(kernel);
        new GemmCase { M = 3, N = 0, K = 4 }.Check(kernel, GemmEntry.PackedB);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void PrepackedEntriesAreBitIdenticalToGeneral(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        // K = 701 and 1000 make two and three depth blocks on every variant (the later blocks accumulate into C).
        foreach (var (m, n, k) in new[] { (1, 50, 300), (3, 17, 5), (4, 100, 129), (5, 64, 64), (37, 101, 513), (64, 3, 257), (11, 53, 701), (9, 97, 1000) })
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                {
                    // Beta 0.5 accumulates into C; beta 0 with a clamp lets whole single-block tiles finish in registers.
                    foreach (var (beta, act) in new[] { (0.5f, Activation.Relu), (0f, Activation.Clip(-0.25f, 0.5f)) })
                    {
                        var c = new GemmCase { M = m, N = n, K = k, TransA = ta, TransB = tb, Pad = 2, BiasKind = GemmBiasKind.PerRow, Activation = act, Beta = beta, Residual = ta != tb };
                        float[] general = c.Run(kernel);
                        c.Verify(general, kernel.Name);
                        Assert.Equal(general, c.Run(kernel, GemmEntry.PackedA));
                        Assert.Equal(general, c.Run(kernel, GemmEntry.PackedB));
                        Assert.Equal(general, c.Run(kernel, GemmEntry.PackedAWithBPanels));
                        Assert.Equal(general, c.Run(kernel, GemmEntry.PackedAWithBRows));
                    }
                }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void ThreadCountsAreBitIdentical(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        using var p1 = new KernelThreadPool(1);
        using var p2 = new KernelThreadPool(2);
        using var p3 = new KernelThreadPool(3);
        // Small products run on the caller alone (KernelThreadPool.MinTaskWork); these are big enough to split.
        foreach (var (m, n, k) in new[] { (2, 3000, 500), (50, 170, 300), (130, 257, 129), (16, 1000, 64), (600, 9, 400) })
            foreach (var entry in new[] { GemmEntry.General, GemmEntry.PackedA, GemmEntry.PackedB, GemmEntry.PackedAWithBPanels, GemmEntry.PackedAWithBRows })
            {
                var c = new GemmCase { M = m, N = n, K = k, Pad = 1, BiasKind = GemmBiasKind.PerColumn, Activation = Activation.Tanh, TransA = m % 2 == 0, Residual = n % 2 == 1 };
                float[] single = c.Run(kernel, entry);
                c.Verify(single, kernel.Name);
                Assert.Equal(single, c.Run(kernel, entry, p1));
                Assert.Equal(single, c.Run(kernel, entry, p2));
                Assert.Equal(single, c.Run(kernel, entry, p3));
            }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void BothWaysOfReadingBMatchReference(string name)
    {
        // B is read in place for few rows and packed for many rows or for 1 KiB-multiple row strides.
        if (Kernel(name) is not { } kernel) return;
        foreach (var (m, n, k, pad) in new[] { (300, 70, 40, 3), (20, 256, 70, 0), (20, 250, 70, 6), (257, 97, 129, 0) })
        {
            var c = new GemmCase { M = m, N = n, K = k, Pad = pad, BiasKind = GemmBiasKind.PerRow, Activation = Activation.LeakyRelu(0.2f) };
            float[] general = c.Run(kernel);
            c.Verify(general, kernel.Name);
            Assert.Equal(general, c.Run(kernel, GemmEntry.PackedA));
            Assert.Equal(general, c.Run(kernel, GemmEntry.PackedB));
        }
    }

    [Fact]
    public void PackedOperandFromAnotherVariantIsRejected()
    {
        var kernels = TestData.Runnable(KernelFamily.Sgemm).Select(v => (SgemmKernel)v.Kernel).ToArray();
        if (kernels.Length < 2) return;
        var packed = kernels[0].PackA(false, 4, 4, new float[16], 4);
        Assert.Throws<ArgumentException>(() => kernels[1].Gemm(packed, false, 4, 1f, new float[16], 4, 0f, new float[16], 4));
    }

    [Fact]
    public void ArgumentsAreValidated()
    {
        var k = (SgemmKernel)KernelRegistry.Of(KernelFamily.Sgemm).Last().Kernel;
        Assert.Throws<ArgumentException>(() => k.Gemm(false, false, 2, 2, 2, 1f, new float[3], 2, new float[4], 2, 0f, new float[4], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => k.Gemm(false, false, 2, 2, 3, 1f, new float[6], 2, new float[6], 2, 0f, new float[4], 2));
        var shared = new float[16];
        Assert.Throws<ArgumentException>(() => k.Gemm(false, false, 2, 2, 2, 1f, shared, 2, new float[4], 2, 0f, shared, 2));
        Assert.Throws<ArgumentException>(() => k.Gemm(false, false, 2, 2, 2, 1f, new float[4], 2, new float[4], 2, 0f, new float[4], 2,
            new GemmEpilogue(GemmBiasKind.PerRow, new float[1])));
    }

    [Fact]
    public void ReferenceMatchesDoublePrecisionDefinition()
    {
        // The reference itself, against a double-precision triple loop written here.
        var kernel = new SgemmReferenceKernelAccessor().Kernel;
        var c = new GemmCase { M = 7, N = 5, K = 33, TransA = true, Pad = 2, Alpha = 1.5f, Beta = 0.5f, BiasKind = GemmBiasKind.PerRow, Activation = Activation.Clip(-1f, 1f) };
        float[] got = c.Run(kernel);
        float[] a = c.A, b = c.B, bias = c.Bias, c0 = c.C0;
        for (int i = 0; i < c.M; i++)
            for (int j = 0; j < c.N; j++)
            {
                double s = 0;
                for (int k = 0; k < c.K; k++) s += (double)a[k * c.Lda + i] * b[k * c.Ldb + j];
                double v = Math.Clamp(1.5 * s + 0.5 * c0[i * c.Ldc + j] + bias[i], -1, 1);
                Assert.True(Math.Abs(got[(i + 1) * c.Ldc + j] - v) <= 1e-5, $"[{i},{j}] {got[(i + 1) * c.Ldc + j]} vs {v}");
            }
    }

    [Trait("Category", "Slow")]
    [Theory]
    [MemberData(nameof(Variants))]
    public void MatchesReference_LargeSweep(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        int[] sizes = [1, 4, 5, 8, 9, 15, 16, 33, 47, 48, 49, 65, 100, 191, 256, 300];
        int seed = 0;
        foreach (int m in sizes)
            foreach (int n in sizes)
                foreach (int k in new[] { 1, 31, 129, 300, 600 })
                    new GemmCase { M = m, N = n, K = k, TransA = (seed & 1) != 0, TransB = (seed & 2) != 0, Pad = seed % 4, Seed = ++seed }.Check(kernel);
    }
}
