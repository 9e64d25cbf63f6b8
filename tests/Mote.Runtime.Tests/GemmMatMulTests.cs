using Mote.Format;
using Mote.Kernels;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>Gemm and MatMul through sessions against scalar references written from the ONNX definitions.</summary>
public class GemmMatMulTests
{
    // --- Gemm ---

    public sealed record GemmCase(int M, int K, int N, bool TransA = false, bool TransB = false, float Alpha = 1f, float Beta = 1f,
        int[]? C = null, bool ConstB = true, bool ConstA = false, Activation Act = default);

    private static readonly Dictionary<string, GemmCase> GemmCases = new()
    {
        ["fully connected 1x512x1000 bias [N]"] = new(1, 512, 1000, TransB: true, C: [1000]),
        ["bias [1,N] relu"] = new(7, 13, 9, C: [1, 9], Act: Activation.Relu),
        ["bias [N] beta 0.5"] = new(5, 6, 11, Beta: 0.5f, C: [11]),
        ["bias [M,1]"] = new(6, 5, 4, C: [6, 1]),
        ["bias [M,1] beta 2"] = new(6, 5, 4, Beta: 2f, C: [6, 1]),
        ["bias [M,N] alpha beta"] = new(9, 17, 10, Alpha: 0.75f, Beta: -1.5f, C: [9, 10]),
        ["scalar C"] = new(3, 4, 5, C: []),
        ["C [1]"] = new(3, 4, 5, C: [1], Beta: 3f),
        ["C [1,1]"] = new(3, 4, 5, C: [1, 1]),
        ["beta 0 ignores C"] = new(3, 4, 5, Beta: 0f, C: [3, 5]),
        ["no C transA"] = new(8, 3, 6, TransA: true),
        ["transA transB tanh"] = new(10, 12, 14, TransA: true, TransB: true, C: [14], Act: Activation.Tanh),
        ["B not constant"] = new(4, 9, 7, TransB: true, ConstB: false, C: [4, 7]),
        ["A constant, B not constant"] = new(6, 9, 5, TransA: true, ConstB: false, ConstA: true, C: [5], Act: Activation.LeakyRelu(0.2f)),
        ["N = 1, M row C"] = new(5, 4, 1, C: [5, 1]),
        ["M = 1 full C"] = new(1, 4, 6, C: [1, 6], Beta: 0.5f),
        ["K = 0"] = new(3, 0, 4, C: [4]),
        ["large"] = new(70, 300, 130, C: [130], Act: Activation.Clip(-1f, 1f)),
    };

    public static TheoryData<string> GemmNames() => new(GemmCases.Keys);

    [Theory]
    [MemberData(nameof(GemmNames))]
    public void GemmMatchesReference(string name)
    {
        var c = GemmCases[name];
        int[] aShape = c.TransA ? [c.K, c.M] : [c.M, c.K], bShape = c.TransB ? [c.N, c.K] : [c.K, c.N];
        var a = NnRunner.RandomTensor(1, aShape);
        var b = NnRunner.RandomTensor(2, bShape);
        var cT = c.C is null ? null : NnRunner.RandomTensor(3, c.C);
        var attrs = new List<AttributeDef>
        {
            AttributeDef.FromInt("transA", c.TransA ? 1 : 0), AttributeDef.FromInt("transB", c.TransB ? 1 : 0),
            AttributeDef.FromFloat("alpha", c.Alpha), AttributeDef.FromFloat("beta", c.Beta),
        };
        ConvTests.AddActivation(attrs, c.Act);

        var av = a.ToArray<float>();
        var bv = b.ToArray<float>();
        var cv = cT?.ToArray<float>();
        var expected = new float[c.M * c.N];
        for (int i = 0; i < c.M; i++)
            for (int j = 0; j < c.N; j++)
            {
                double sum = 0;
                for (int k = 0; k < c.K; k++)
                    sum += (double)av[c.TransA ? k * c.M + i : i * c.K + k] * bv[c.TransB ? j * c.K + k : k * c.N + j];
                double v = c.Alpha * sum;
                if (cv is not null)
                {
                    int ci = c.C!.Length switch
                    {
                        0 => 0,
                        1 => c.C[0] == 1 ? 0 : j,
                        _ => (c.C[0] == 1 ? 0 : i) * c.C[1] + (c.C[1] == 1 ? 0 : j),
                    };
                    v += c.Beta * (double)cv[ci];
                }
                expected[i * c.N + j] = c.Act.Apply((float)v);
            }

        var y = NnRunner.Run(OpType.Gemm, [new(a, c.ConstA), new(b, c.ConstB), cT is null ? null : new(cT, true)], 1, [.. attrs], alsoFolded: true)[0];
        Assert.Equal([c.M, c.N], y.Shape.ToArray());
        NnRunner.AssertClose(expected, y, 2e-5f, name);
    }

    [Fact]
    public void GemmRejectsMismatchedK()
    {
        var a = NnRunner.RandomTensor(1, 3, 4);
        var b = NnRunner.RandomTensor(2, 5, 6);
        Assert.ThrowsAny<MoteException>(() => NnRunner.Single(OpType.Gemm, [new(a), new(b, true)]));
    }

    // --- MatMul ---

    private static readonly Dictionary<string, (int[] A, int[] B, bool ConstB)> MatMulCases = new()
    {
        ["1-D x 1-D"] = ([7], [7], false),
        ["1-D x 2-D"] = ([5], [5, 3], true),
        ["2-D x 1-D"] = ([4, 6], [6], false),
        ["2-D x 1-D constant"] = ([4, 6], [6], true),
        ["1-D x 3-D"] = ([4], [2, 4, 3], false),
        ["4-D x 1-D"] = ([2, 3, 4, 5], [5], true),
        ["transformer [B,S,K]x[K,N] constant"] = ([2, 16, 24], [24, 40], true),
        ["transformer [B,S,K]x[K,N] not constant"] = ([2, 16, 24], [24, 40], false),
        ["B batch dims all 1"] = ([3, 5, 6], [1, 6, 4], false),
        ["A broadcast over B batches"] = ([5, 6], [3, 6, 4], false),
        ["both broadcast"] = ([2, 1, 5, 6], [3, 6, 4], false),
        ["attention scores many batches"] = ([2, 6, 9, 8], [2, 6, 8, 9], false),
        ["constant batched B"] = ([3, 4, 5], [3, 5, 6], true),
        ["constant batched B broadcast"] = ([2, 3, 4, 5], [3, 5, 6], true),
        ["K = 0"] = ([3, 0], [0, 4], false),
        ["M = 0"] = ([2, 0, 3], [3, 4], true),
        ["rank 5"] = ([2, 1, 2, 3, 4], [1, 3, 1, 4, 2], false),
        ["large"] = ([1, 128, 96], [96, 200], true),
    };

    public static TheoryData<string> MatMulNames() => new(MatMulCases.Keys);

    [Theory]
    [MemberData(nameof(MatMulNames))]
    public void MatMulMatchesReference(string name)
    {
        var (aShape, bShape, constB) = MatMulCases[name];
        var a = NnRunner.RandomTensor(1, aShape);
        var b = NnRunner.RandomTensor(2, bShape);
        var (expected, yShape) = MatMulReference(a.ToArray<float>(), aShape, b.ToArray<float>(), bShape);
        var y = NnRunner.Run(OpType.MatMul, [new(a), new(b, constB)], 1, [], alsoFolded: true)[0];
        Assert.Equal(yShape, y.Shape.ToArray());
        NnRunner.AssertClose(expected, y, 2e-5f, name);
    }

    [Fact]
    public void MatMulFusedActivation()
    {
        var a = NnRunner.RandomTensor(1, 3, 4, 5);
        var b = NnRunner.RandomTensor(2, 5, 6);
        var (expected, _) = MatMulReference(a.ToArray<float>(), [3, 4, 5], b.ToArray<float>(), [5, 6]);
        var attrs = new List<AttributeDef>();
        ConvTests.AddActivation(attrs, Activation.Relu);
        var y = NnRunner.Run(OpType.MatMul, [new(a), new(b, true)], 1, [.. attrs])[0];
        NnRunner.AssertClose(expected.Select(v => MathF.Max(v, 0)).ToArray(), y, 2e-5f, "relu");
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void MatMulFusedBias(bool constB, bool relu)
    {
        // The converter's MatMul + Add: a third input of N values added to every row, before the activation.
        var a = NnRunner.RandomTensor(1, 2, 7, 5);
        var b = NnRunner.RandomTensor(2, 5, 6);
        var bias = NnRunner.RandomTensor(3, 6);
        var (expected, _) = MatMulReference(a.ToArray<float>(), [2, 7, 5], b.ToArray<float>(), [5, 6]);
        var bv = bias.ToArray<float>();
        for (int i = 0; i < expected.Length; i++)
            expected[i] = relu ? MathF.Max(expected[i] + bv[i % 6], 0) : expected[i] + bv[i % 6];
        var attrs = new List<AttributeDef>();
        if (relu)
            ConvTests.AddActivation(attrs, Activation.Relu);
        var y = NnRunner.Run(OpType.MatMul, [new(a), new(b, constB), new(bias, true)], 1, [.. attrs], alsoFolded: true)[0];
        NnRunner.AssertClose(expected, y, 2e-5f, "bias");
        Assert.ThrowsAny<MoteException>(() => NnRunner.Single(OpType.MatMul, [new(a), new(b, constB), new(NnRunner.RandomTensor(3, 5), true)]));
    }

    [Fact]
    public void MatMulRejectsMismatches()
    {
        Assert.ThrowsAny<MoteException>(() => NnRunner.Single(OpType.MatMul, [new(NnRunner.RandomTensor(1, 3, 4)), new(NnRunner.RandomTensor(2, 5, 6))]));
        Assert.ThrowsAny<MoteException>(() => NnRunner.Single(OpType.MatMul, [new(NnRunner.RandomTensor(1, 2, 3, 4)), new(NnRunner.RandomTensor(2, 3, 4, 6))]));
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4, 5 })]
    [InlineData(new[] { 2, 1, 3, 4 }, new[] { 3, 4, 2 })]
    [InlineData(new[] { 4 }, new[] { 4, 3 })]
    [InlineData(new[] { 3, 4 }, new[] { 4 })]
    public void MatMulOfDoublesAndIntegers(int[] aShape, int[] bShape)
    {
        var af = NnRunner.Random(aShape.Aggregate(1, (p, d) => p * d), 11, 50f);
        var bf = NnRunner.Random(bShape.Aggregate(1, (p, d) => p * d), 12, 50f);
        var (expected, yShape) = MatMulReference(af, aShape, bf, bShape);

        var yd = NnRunner.Run(OpType.MatMul, [new(Tensor.FromArray(af.Select(v => (double)v).ToArray(), aShape)), new(Tensor.FromArray(bf.Select(v => (double)v).ToArray(), bShape), true)], 1, [], alsoFolded: true)[0];
        Assert.Equal(DataType.Float64, yd.Type);
        Assert.Equal(yShape, yd.Shape.ToArray());
        var ydv = yd.ToArray<double>();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(ydv[i] - expected[i]) <= 1e-3 * (1 + Math.Abs(expected[i])), $"f64 element {i}: {ydv[i]} vs {expected[i]}");

        // Integers: exact, wrapping like NumPy's fixed-width arithmetic.
        long[] al = af.Select(v => (long)v * 1_000_003).ToArray(), bl = bf.Select(v => (long)v).ToArray();
        var (exactL, _) = IntegerReference(al, aShape, bl, bShape);
        var yl = NnRunner.Run(OpType.MatMul, [new(Tensor.FromArray(al, aShape)), new(Tensor.FromArray(bl, bShape))], 1, [], alsoFolded: true)[0];
        Assert.Equal(exactL, yl.ToArray<long>());
        int[] ai = af.Select(v => (int)v).ToArray(), bi = bf.Select(v => (int)v).ToArray();
        var (exactI, _) = IntegerReference(ai.Select(v => (long)v).ToArray(), aShape, bi.Select(v => (long)v).ToArray(), bShape);
        var yi = NnRunner.Run(OpType.MatMul, [new(Tensor.FromArray(ai, aShape)), new(Tensor.FromArray(bi, bShape), true)], 1, [])[0];
        Assert.Equal(exactI.Select(v => (int)v).ToArray(), yi.ToArray<int>());
    }

    [Fact]
    public void GemmOfDoubles()
    {
        int m = 5, k = 7, n = 6;
        var a = NnRunner.Random(m * k, 21).Select(v => (double)v).ToArray();
        var b = NnRunner.Random(k * n, 22).Select(v => (double)v).ToArray();
        var c = NnRunner.Random(n, 23).Select(v => (double)v).ToArray();
        var y = NnRunner.Run(OpType.Gemm, [new(Tensor.FromArray(a, k, m)), new(Tensor.FromArray(b, n, k), true), new(Tensor.FromArray(c, n), true)], 1,
            [AttributeDef.FromInt("transA", 1), AttributeDef.FromInt("transB", 1), AttributeDef.FromFloat("alpha", 0.5f), AttributeDef.FromFloat("beta", 2f)], alsoFolded: true)[0];
        var yv = y.ToArray<double>();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += a[p * m + i] * b[j * k + p];
                double e = 0.5 * s + 2 * c[j];
                Assert.True(Math.Abs(yv[i * n + j] - e) <= 1e-12 * (1 + Math.Abs(e)), $"({i},{j}): {yv[i * n + j]} vs {e}");
            }
    }

    /// <summary>NumPy matmul of integers in long arithmetic.</summary>
    private static (long[] Y, int[] Shape) IntegerReference(long[] a, int[] aShape, long[] b, int[] bShape)
    {
        int[] a2 = aShape.Length == 1 ? [1, aShape[0]] : aShape, b2 = bShape.Length == 1 ? [bShape[0], 1] : bShape;
        int m = a2[^2], k = a2[^1], n = b2[^1];
        int r = Math.Max(a2.Length, b2.Length) - 2;
        int[] Pad(int[] s) => [.. Enumerable.Repeat(1, r - (s.Length - 2)), .. s[..^2]];
        int[] ab = Pad(a2), bb = Pad(b2);
        int[] batch = ab.Zip(bb, Math.Max).ToArray();
        var y = new long[batch.Aggregate(1, (p, d) => p * d) * m * n];
        int t = 0;
        foreach (var idx in r == 0 ? [Array.Empty<int>()] : Nd.All(batch))
        {
            int ai = Nd.Offset(idx.Select((v, i) => ab[i] == 1 ? 0 : v).ToArray(), ab);
            int bi = Nd.Offset(idx.Select((v, i) => bb[i] == 1 ? 0 : v).ToArray(), bb);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    long s = 0;
                    for (int p = 0; p < k; p++)
                        s += a[ai * m * k + i * k + p] * b[bi * k * n + p * n + j];
                    y[(t * m + i) * n + j] = s;
                }
            t++;
        }
        var shape = new List<int>(batch);
        if (aShape.Length > 1) shape.Add(m);
        if (bShape.Length > 1) shape.Add(n);
        return (y, [.. shape]);
    }

    /// <summary>NumPy matmul: 1-D promotion, broadcast batch dimensions, sums in double.</summary>
    internal static (float[] Y, int[] Shape) MatMulReference(float[] a, int[] aShape, float[] b, int[] bShape)
    {
        int[] a2 = aShape.Length == 1 ? [1, aShape[0]] : aShape, b2 = bShape.Length == 1 ? [bShape[0], 1] : bShape;
        int m = a2[^2], k = a2[^1], n = b2[^1];
        int r = Math.Max(a2.Length, b2.Length) - 2;
        int[] Pad(int[] s) => [.. Enumerable.Repeat(1, r - (s.Length - 2)), .. s[..^2]];
        int[] ab = Pad(a2), bb = Pad(b2);
        int[] batch = ab.Zip(bb, Math.Max).ToArray();
        var y = new float[batch.Aggregate(1, (p, d) => p * d) * m * n];
        int t = 0;
        foreach (var idx in r == 0 ? [Array.Empty<int>()] : Nd.All(batch))
        {
            int ai = Nd.Offset(idx.Select((v, i) => ab[i] == 1 ? 0 : v).ToArray(), ab);
            int bi = Nd.Offset(idx.Select((v, i) => bb[i] == 1 ? 0 : v).ToArray(), bb);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++)
                        s += (double)a[ai * m * k + i * k + p] * b[bi * k * n + p * n + j];
                    y[(t * m + i) * n + j] = (float)s;
                }
            t++;
        }
        var shape = new List<int>(batch);
        if (aShape.Length > 1) shape.Add(m);
        if (bShape.Length > 1) shape.Add(n);
        return (y, [.. shape]);
    }
}
