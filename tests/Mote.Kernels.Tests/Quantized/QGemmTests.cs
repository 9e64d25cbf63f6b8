using System.Runtime.Intrinsics;
using Mote.Kernels.Quantized;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Tests.Quantized;

/// <summary>Every QGemm variant against the definition (<see cref="QGemmCase.Expected"/>): exact int32 equality.</summary>
public class QGemmTests
{
    public static TheoryData<string> Variants()
    {
        var d = new TheoryData<string>();
        foreach (var v in QuantKernelRegistry.Of(QuantKernelFamily.QGemm))
            d.Add(v.Name);
        return d;
    }

    private static QGemmKernel? Kernel(string name)
    {
        var v = QuantKernelRegistry.All.Single(x => x.Name == name);
        return v.IsSupportedBy(CpuFeatures.Detect()) ? (QGemmKernel)v.Kernel : null;
    }

    private static int[] EdgeSizes(QGemmKernel k) =>
        new[] { 1, 2, 3, 5, 7, 13, 17, 31, k.TileRows - 1, k.TileRows, k.TileRows + 1, k.TileColumns - 1, k.TileColumns, k.TileColumns + 1 }
            .Where(s => s >= 1).Distinct().Order().ToArray();

    private static readonly QuantType8[] Types = [QuantType8.QU8, QuantType8.QS8];

    [Theory]
    [MemberData(nameof(Variants))]
    public void MatchesDefinition_EdgeSizes_AllTypesAndZeroPoints(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        int[] sizes = EdgeSizes(kernel);
        int[] depths = [1, 2, 3, 4, 7, 16, 17, 63, 255, 256, 257, 258];
        int i = 0;
        foreach (int m in sizes)
            foreach (int n in sizes)
            {
                i++;
                new QGemmCase
                {
                    M = m, N = n, K = depths[i % depths.Length], Pad = i % 3 == 0 ? 0 : 3, Seed = i,
                    AType = Types[i & 1], BType = Types[(i >> 1) & 1],
                    AZero = (ZeroKind)(i % 3), BZero = (ZeroKind)((i / 3) % 3),
                }.Check(kernel, (QGemmEntry)(i % 3));
            }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EntryShapesAgree_AndSaturatedInputsAreExact(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        int seed = 0;
        foreach (var (m, n, k) in new[] { (1, 50, 300), (3, 17, 5), (kernel.TileRows + 2, kernel.TileColumns * 3 + 1, 301), (37, 101, 513), (64, 3, 257) })
            foreach (var at in Types)
                foreach (var bt in Types)
                    foreach (bool extremes in new[] { false, true })
                        foreach (var entry in Enum.GetValues<QGemmEntry>())
                            new QGemmCase
                            {
                                M = m, N = n, K = k, Pad = 2, Seed = ++seed, AType = at, BType = bt, Extremes = extremes,
                                AZero = ZeroKind.PerIndex, BZero = ZeroKind.PerIndex,
                            }.Check(kernel, entry);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void SumsWrapLikeInt32(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        // 255·255·K passes 2³¹ at K ≈ 33 000: every variant must wrap exactly like the int32 definition.
        var c = new QGemmCase { M = 2, N = kernel.TileColumns + 1, K = 40_001, Fill = 255, AType = QuantType8.QU8, BType = QuantType8.QU8 };
        c.Check(kernel);
        Assert.Contains(c.Expected(), v => v < 0 && v != QGemmCase.Sentinel);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EmptyDimensions(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        new QGemmCase { M = 4, N = 5, K = 0 }.Check(kernel);   // C = 0
        new QGemmCase { M = 4, N = 5, K = 0 }.Check(kernel, QGemmEntry.PackedB);
        new QGemmCase { M = 0, N = 5, K = 3 }.Check(kernel, QGemmEntry.PackedA);
        new QGemmCase { M = 3, N = 0, K = 3 }.Check(kernel);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void ThreadCountDoesNotChangeResults(string name)
    {
        if (Kernel(name) is not { } kernel) return;
        using var pool = new KernelThreadPool(3);
        foreach (var entry in Enum.GetValues<QGemmEntry>())
            foreach (var (m, n, k) in new[] { (97, 130, 300), (5, 400, 64), (200, 7, 33) })
                new QGemmCase { M = m, N = n, K = k, Pad = 1, AType = QuantType8.QS8, BType = QuantType8.QU8, AZero = ZeroKind.PerIndex, BZero = ZeroKind.PerTensor, Seed = m }
                    .Check(kernel, entry, pool);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var k = (QGemmKernel)QuantKernelRegistry.Of(QuantKernelFamily.QGemm).First().Kernel;
        var a = new byte[6];
        var b = new byte[6];
        var c = new int[4];
        Assert.Throws<ArgumentOutOfRangeException>(() => k.Gemm(2, 2, 3, new QGemmOperand(a, 3, QuantType8.QU8, [256]), new QGemmOperand(b, 2, QuantType8.QU8), c, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => k.Gemm(2, 2, 3, new QGemmOperand(a, 3, QuantType8.QS8, [-129]), new QGemmOperand(b, 2, QuantType8.QU8), c, 2));
        Assert.Throws<ArgumentException>(() => k.Gemm(2, 2, 3, new QGemmOperand(a, 3, QuantType8.QU8, [1, 2, 3]), new QGemmOperand(b, 2, QuantType8.QU8), c, 2));
        Assert.Throws<ArgumentException>(() => k.Gemm(2, 2, 4, new QGemmOperand(a, 4, QuantType8.QU8), new QGemmOperand(b, 2, QuantType8.QU8), c, 2));
        var other = (QGemmKernel)QuantKernelRegistry.Of(QuantKernelFamily.QGemm).Last().Kernel;
        if (other != k)
            Assert.Throws<ArgumentException>(() => k.Gemm(other.PackA(2, 3, new QGemmOperand(a, 3, QuantType8.QU8)), 2, new QGemmOperand(b, 2, QuantType8.QU8), c, 2));
    }

    [Fact]
    public void PortablePairSumsMatchPmaddwd()
    {
        if (!System.Runtime.Intrinsics.X86.Sse2.IsSupported) return;
        var rng = new Random(7);
        short R() => (short)rng.Next(-16383, 16384);
        for (int i = 0; i < 10_000; i++)
        {
            var a = System.Runtime.Intrinsics.Vector128.Create(R(), R(), R(), R(), R(), R(), R(), R());
            var b = System.Runtime.Intrinsics.Vector128.Create(R(), R(), R(), R(), R(), R(), R(), R());
            Assert.Equal(System.Runtime.Intrinsics.X86.Sse2.MultiplyAddAdjacent(a, b), MaddLanes128.Portable(a.AsInt32(), b.AsInt32()));
        }
    }
}
