using Mote.Kernels.Data;
using Xunit;

namespace Mote.Kernels.Tests.Data;

public class StridedCopyTests
{
    /// <summary>Element-by-element copy over every multi-index: the definition of the kernel.</summary>
    private static void Naive(byte[] src, long so, long[] ss, byte[] dst, long dof, long[] ds, int[] shape, int es)
    {
        if (shape.Any(d => d == 0))
            return;
        var i = new int[shape.Length];
        while (true)
        {
            long s = so, d = dof;
            for (int k = 0; k < shape.Length; k++)
            {
                s += i[k] * ss[k];
                d += i[k] * ds[k];
            }
            Array.Copy(src, s * es, dst, d * es, es);
            int q = shape.Length - 1;
            for (; q >= 0; q--)
            {
                if (++i[q] < shape[q])
                    break;
                i[q] = 0;
            }
            if (q < 0)
                return;
        }
    }

    [Fact]
    public void RandomViewsMatchTheElementLoop()
    {
        var rng = new Random(42);
        for (int trial = 0; trial < 400; trial++)
        {
            int es = new[] { 1, 2, 4, 8 }[trial % 4];
            int rank = rng.Next(0, 6);
            var shape = Enumerable.Range(0, rank).Select(_ => rng.Next(0, 4) == 0 ? 1 : rng.Next(1, 7)).ToArray();
            // Source: a random permutation of a contiguous block, some dims broadcast or reversed.
            var perm = Enumerable.Range(0, rank).OrderBy(_ => rng.Next()).ToArray();
            var contiguous = new long[rank];
            long acc = 1;
            foreach (int p in perm.Reverse())
            {
                contiguous[p] = acc;
                acc *= shape[p];
            }
            var ss = new long[rank];
            long so = 0;
            for (int k = 0; k < rank; k++)
            {
                int kind = rng.Next(0, 5);
                ss[k] = kind == 0 ? 0 : kind == 1 ? -contiguous[k] : contiguous[k];
                if (ss[k] < 0)
                    so += (shape[k] - 1) * contiguous[k];
            }
            var src = new byte[(acc + 3) * es];
            rng.NextBytes(src);
            var ds = new long[rank];
            long dacc = 1;
            for (int k = rank - 1; k >= 0; k--)
            {
                ds[k] = dacc;
                dacc *= shape[k];
            }
            var expected = Enumerable.Repeat((byte)0xCD, (int)(dacc * es) + 16).ToArray();
            var actual = (byte[])expected.Clone();
            Naive(src, so, ss, expected, 0, ds, shape, es);
            StridedCopy.Copy(src, so, ss, actual.AsSpan(0, (int)(dacc * es)), 0, ds, shape, es);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"trial {trial}: shape [{string.Join(",", shape)}] strides [{string.Join(",", ss)}] es {es}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void TransposedPlanesIntoAPaddedDestination(int es)
    {
        // [3, 21, 19] read as its transpose (strides 19*21, 1, 21), written into rows padded to 24.
        int[] shape = [3, 21, 19];
        long[] ss = [19 * 21, 1, 21];
        long[] ds = [21 * 24, 24, 1];
        var src = new byte[3 * 21 * 19 * es];
        new Random(es).NextBytes(src);
        var expected = new byte[(3 * 21 * 24 + 5) * es];
        Array.Fill(expected, (byte)0x5A);
        var actual = (byte[])expected.Clone();
        Naive(src, 0, ss, expected, 2, ds, shape, es);
        StridedCopy.Copy(src, 0, ss, actual.AsSpan(0, (3 * 21 * 24 + 2) * es), 2, ds, shape, es);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ViewsOutsideTheBufferAreRejected()
    {
        var buf = new byte[16];
        Assert.Throws<ArgumentException>(() => StridedCopy.Copy(buf, 0, [5], new byte[16], 0, [1], [4], 4));
        Assert.Throws<ArgumentException>(() => StridedCopy.Copy(buf, 1, [-2], new byte[16], 0, [1], [2], 4));
        Assert.Throws<ArgumentException>(() => StridedCopy.Copy(buf, 0, [1], new byte[16], 0, [1], [2], 3));
    }

    [Fact]
    public void Transpose2DSimdMatchesTheReference()
    {
        // With SSE (x64) or AdvSimd (ARM64) the public entry takes the 4x4 SIMD path for 4-byte
        // elements; with hardware intrinsics switched off it must fall back to the same results.
        var rng = new Random(11);
        for (int a = 1; a <= 37; a += 3)
            for (int b = 1; b <= 37; b += 4)
            {
                int sb = a + 1, da = b + 3;
                var src = Enumerable.Range(0, b * sb).Select(_ => rng.NextSingle()).ToArray();
                var expected = new float[a * da];
                var actual = new float[a * da];
                Transpose2D.Reference(ref src[0], sb, ref expected[0], da, a, b);
                Transpose2D.Transpose<float>(src, sb, actual, da, a, b);
                Assert.Equal(expected, actual);
            }
    }

    [Fact]
    public void Transpose2DMatchesTheDefinition()
    {
        var rng = new Random(3);
        foreach (var (a, b) in new[] { (1, 1), (3, 17), (16, 16), (33, 7), (40, 65) })
        {
            int sb = a + 3, da = b + 2;
            var src = Enumerable.Range(0, b * sb).Select(_ => rng.Next()).ToArray();
            var dst = Enumerable.Repeat(-1, a * da).ToArray();
            Transpose2D.Transpose<int>(src, sb, dst, da, a, b);
            for (int i = 0; i < a; i++)
                for (int j = 0; j < da; j++)
                    Assert.Equal(j < b ? src[i + j * sb] : -1, dst[i * da + j]);
        }
    }
}
