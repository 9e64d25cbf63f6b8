using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>LRN, Det, CenterCropPad, TensorScatter and RotaryEmbedding against references written from the ONNX definitions.</summary>
public class MiscOperatorTests
{
    [Theory]
    [InlineData("2x5x3x4", 3, 1e-4f, 0.75f, 1f)]
    [InlineData("1x4x7", 4, 0.02f, 0.5f, 2f)]
    [InlineData("3x1x2x2x2", 5, 1f, 1.3f, 0.5f)]
    [InlineData("2x6", 1, 0.1f, 0.75f, 1f)]
    [InlineData("0x3x2", 3, 1e-4f, 0.75f, 1f)]
    public void LrnMatchesDefinition(string shape, int size, float alpha, float beta, float bias)
    {
        var dims = shape.Split('x').Select(int.Parse).ToArray();
        var x = Floats(Count(dims), 2, -3, 3);
        int c = dims[1], plane = Count(dims[2..]);
        var want = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int ch = i / plane % c;
            double sum = 0;
            // Channels from c − ⌊(size−1)/2⌋ to c + ⌈(size−1)/2⌉.
            for (int k = ch - (size - 1) / 2; k <= ch + (size - 1 + 1) / 2; k++)
                if (k >= 0 && k < c)
                    sum += (double)x[i + (k - ch) * plane] * x[i + (k - ch) * plane];
            want[i] = x[i] / Math.Pow(bias + (double)alpha / size * sum, beta);
        }
        AttributeDef[] attrs = [Int("size", size), Float("alpha", alpha), Float("beta", beta), Float("bias", bias)];
        AssertClose(NodeHarness.RunBoth(OpType.LRN, [Tensor.FromArray(x, dims)], 1, attrs, exactFold: false)[0].ToArray<float>(), want, 1e-5, 1e-6, "f32");
        var y64 = NodeHarness.RunBoth(OpType.LRN, [Tensor.FromArray(x.Select(v => (double)v).ToArray(), dims)], 1, attrs, exactFold: false)[0].ToArray<double>();
        for (int i = 0; i < y64.Length; i++)
            Assert.True(Close(y64[i], want[i], 1e-12, 1e-12), $"f64 element {i}");
    }

    [Fact]
    public void DetMatchesCofactorExpansion()
    {
        foreach (var dims in new[] { new[] { 2, 2 }, [3, 3], [4, 3, 3], [2, 2, 5, 5], [1, 1], [3, 0, 0], [0, 4, 4] })
        {
            var x = Floats(Count(dims), dims.Sum());
            int m = dims[^1], count = m == 0 ? Count(dims[..^2]) : x.Length / (m * m);
            var want = new double[count];
            for (int i = 0; i < count; i++)
                want[i] = Cofactor(x.Skip(i * m * m).Take(m * m).Select(v => (double)v).ToArray(), m);
            var y = NodeHarness.RunBoth(OpType.Det, [Tensor.FromArray(x, dims)])[0];
            Assert.Equal(dims[..^2], y.Shape.ToArray());
            AssertClose(y.ToArray<float>(), want, 1e-5, 1e-5, ShapeMath.Format(dims));
        }
        // Singular (a zero pivot column), a row swap, and f64.
        AssertClose(NodeHarness.RunOne(OpType.Det, Tensor.FromArray(new float[] { 1, 2, 2, 4 }, 2, 2)).ToArray<float>(), [0], 0, 0);
        AssertClose(NodeHarness.RunOne(OpType.Det, Tensor.FromArray(new float[] { 0, 1, 1, 0 }, 2, 2)).ToArray<float>(), [-1], 0, 0);
        Assert.Equal([-2.0], NodeHarness.RunOne(OpType.Det, Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2)).ToArray<double>());
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.Det, [Tensor.FromArray(new float[6], 2, 3)], false));
    }

    private static double Cofactor(double[] a, int m)
    {
        if (m == 0)
            return 1;
        double det = 0;
        for (int c = 0; c < m; c++)
        {
            var minor = new List<double>();
            for (int r = 1; r < m; r++)
                for (int k = 0; k < m; k++)
                    if (k != c)
                        minor.Add(a[r * m + k]);
            det += (c % 2 == 0 ? 1 : -1) * a[c] * Cofactor([.. minor], m - 1);
        }
        return det;
    }

    [Theory]
    [InlineData("6x7", "4,9", null)]
    [InlineData("5x8x3", "10,10,3", null)]
    [InlineData("5x8x3", "3,11", "0,1")]
    [InlineData("5x8x3", "3,11", "-3,-2")]
    [InlineData("4x1x3", "1,4", "-1,0")]
    [InlineData("2x3", "0,3", null)]
    public void CenterCropPadKeepsTheCentre(string shape, string target, string? axes)
    {
        var dims = shape.Split('x').Select(int.Parse).ToArray();
        var t = target.Split(',').Select(long.Parse).ToArray();
        var ax = axes?.Split(',').Select(long.Parse).ToArray() ?? Enumerable.Range(0, dims.Length).Select(a => (long)a).ToArray();
        var outDims = (int[])dims.Clone();
        for (int i = 0; i < ax.Length; i++)
            outDims[(int)((ax[i] + dims.Length) % dims.Length)] = (int)t[i];
        foreach (var type in new[] { DataType.Float32, DataType.Int64, DataType.UInt8 })
        {
            var x = Nd.Random(type, dims, 3);
            // Crop: start ⌊(in − out)/2⌋ into the input; pad: the input sits ⌊(out − in)/2⌋ into the output.
            var want = Nd.Map(x, outDims, idx =>
            {
                var src = new int[dims.Length];
                for (int d = 0; d < dims.Length; d++)
                {
                    src[d] = idx[d] + (dims[d] > outDims[d] ? (dims[d] - outDims[d]) / 2 : -((outDims[d] - dims[d]) / 2));
                    if (src[d] < 0 || src[d] >= dims[d])
                        return null;
                }
                return src;
            }, new byte[type.Size()]);
            var attrs = axes is null ? [] : new[] { Ints("axes", ax) };
            var y = NodeHarness.RunBoth(OpType.CenterCropPad, [x, Tensor.FromArray(t, t.Length)], 1, attrs, alwaysConstant: [1])[0];
            OpRunner.AssertSame(want, y, $"{shape} → {target} ({type})");
        }
    }

    [Theory]
    [InlineData("2x3x4x5", "2x3x2x5", -2, "linear", "1,2")]
    [InlineData("2x3x4x5", "2x3x3x5", -2, "circular", "3,2")]
    [InlineData("3x4x5", "3x2x5", 1, "linear", null)]
    [InlineData("2x6x2", "2x6x1", 2, "circular", "1,0")]
    public void TensorScatterWritesTheUpdateRows(string cacheShape, string updateShape, int axis, string mode, string? indices)
    {
        var cd = cacheShape.Split('x').Select(int.Parse).ToArray();
        var ud = updateShape.Split('x').Select(int.Parse).ToArray();
        var w = indices?.Split(',').Select(long.Parse).ToArray();
        int a = (axis + cd.Length) % cd.Length;
        foreach (var type in new[] { DataType.Float32, DataType.Int64, DataType.Bool })
        {
            var cache = Nd.Random(type, cd, 1);
            var update = Nd.Random(type, ud, 2);
            int size = type.Size();
            // Element-wise from the definition: the update row i of batch b lands at (w[b] + i) mod L along the axis.
            var want = Tensor.FromBytes(type, cache.Memory.ToArray(), cd);
            foreach (var idx in Nd.All(ud))
            {
                var dst = (int[])idx.Clone();
                dst[a] = (int)(((w?[idx[0]] ?? 0) + idx[a]) % cd[a]);
                update.Memory.Span.Slice(Nd.Offset(idx, ud) * size, size).CopyTo(want.Memory.Span.Slice(Nd.Offset(dst, cd) * size, size));
            }
            Tensor?[] inputs = w is null ? [cache, update] : [cache, update, Tensor.FromArray(w, w.Length)];
            var y = NodeHarness.RunBoth(OpType.TensorScatter, inputs, 1, [Int("axis", axis), Str("mode", mode)])[0];
            OpRunner.AssertSame(want, y, $"{cacheShape} {mode} {type}");
        }
        // Linear writes must fit.
        var c = Tensor.FromArray(new float[8], 2, 4);
        Assert.ThrowsAny<MoteException>(() => NodeHarness.Run(OpType.TensorScatter, [c, Tensor.FromArray(new float[4], 2, 2), Tensor.FromArray(new long[] { 3, 0 }, 2)], false, 1, [Int("axis", 1)]));
    }

    [Theory]
    [InlineData(false, false, 0, true)]
    [InlineData(true, false, 0, true)]
    [InlineData(false, true, 4, true)]
    [InlineData(true, true, 6, false)]
    [InlineData(false, false, 2, false)]
    public void RotaryEmbeddingRotatesPairs(bool interleaved, bool threeD, int rotaryDim, bool positions)
    {
        int b = 2, h = 3, s = 5, d = 8, r = rotaryDim == 0 ? d : rotaryDim, half = r / 2, maxPos = 11;
        var x = Floats(b * h * s * d, 1);
        var pos = Enumerable.Range(0, b * s).Select(i => (long)(i * 7 % maxPos)).ToArray();
        var cos = Floats(positions ? maxPos * half : b * s * half, 2, -1, 1);
        var sin = Floats(cos.Length, 3, -1, 1);
        var want = new double[x.Length];
        for (int bi = 0; bi < b; bi++)
            for (int hi = 0; hi < h; hi++)
                for (int si = 0; si < s; si++)
                {
                    // [B, H, S, d] or [B, S, H·d]
                    int row = threeD ? ((bi * s + si) * h + hi) * d : ((bi * h + hi) * s + si) * d;
                    int cache = (int)(positions ? pos[bi * s + si] : bi * s + si) * half;
                    for (int k = 0; k < d; k++)
                        want[row + k] = x[row + k];
                    for (int k = 0; k < half; k++)
                    {
                        int i1 = interleaved ? row + 2 * k : row + k, i2 = interleaved ? row + 2 * k + 1 : row + k + half;
                        want[i1] = x[i1] * cos[cache + k] - x[i2] * sin[cache + k];
                        want[i2] = x[i1] * sin[cache + k] + x[i2] * cos[cache + k];
                    }
                }
        var xt = threeD ? Tensor.FromArray(x, b, s, h * d) : Tensor.FromArray(x, b, h, s, d);
        var cacheShape = positions ? new[] { maxPos, half } : [b, s, half];
        Tensor?[] inputs = [xt, Tensor.FromArray(cos, cacheShape), Tensor.FromArray(sin, cacheShape), positions ? Tensor.FromArray(pos, b, s) : null];
        var attrs = new List<AttributeDef> { Int("interleaved", interleaved ? 1 : 0) };
        if (threeD)
            attrs.Add(Int("num_heads", h));
        if (rotaryDim > 0)
            attrs.Add(Int("rotary_embedding_dim", rotaryDim));
        var y = NodeHarness.RunBoth(OpType.RotaryEmbedding, inputs, 1, [.. attrs])[0];
        AssertClose(y.ToArray<float>(), want, 1e-6, 1e-6, "rotary");
        var bad = Tensor.FromArray(pos.Select(p => p + maxPos).ToArray(), b, s);
        if (positions)
            Assert.ThrowsAny<MoteException>(() => NodeHarness.Run(OpType.RotaryEmbedding, [inputs[0], inputs[1], inputs[2], bad], false, 1, [.. attrs]));
    }
}
