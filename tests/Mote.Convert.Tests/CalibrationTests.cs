using Mote.Convert.Quantization;
using Mote.Convert.Tests.Support;
using Mote.Format;

namespace Mote.Convert.Tests;

/// <summary>Activation ranges, their uint8 parameters, the calibration histograms and per-channel weight quantization.</summary>
public sealed class CalibrationTests
{
    [Theory]
    [InlineData(0f, 2.55f, 0.01f, 0)]       // a ReLU output: zero at code 0
    [InlineData(2f, 5.1f, 0.02f, 0)]        // widened to hold 0
    [InlineData(-1.275f, 1.275f, 0.01f, 128)] // symmetric: zero at 127.5, rounded to even
    [InlineData(-2.55f, 0f, 0.01f, 255)]
    [InlineData(0f, 0f, 1f, 0)]             // a constant-zero tensor
    public void RangesMapToUInt8WithZeroExact(float min, float max, float scale, int zero)
    {
        var (s, z) = new TensorRange(min, max).ToUInt8();
        Assert.Equal(scale, s, 1e-6f);
        Assert.Equal(zero, z);
        // 0 is a code exactly: padding and ReLU's zeros lose nothing.
        Assert.Equal(0f, s * (z - z));
    }

    [Fact]
    public void PercentileIgnoresZerosAndFindsTheQuantile()
    {
        var h = new AbsHistogram(1000, 1000f);
        h.Add(Enumerable.Range(1, 1000).Select(i => (float)i).ToArray());
        h.Add(new float[100_000]); // exact zeros: no evidence for a range
        Assert.Equal(900f, h.Percentile(0.9), 1f);
        Assert.Equal(1000f, h.Percentile(1.0), 1f);
        // Negative values count by magnitude.
        var signed = new AbsHistogram(100, 10f);
        signed.Add(Enumerable.Range(1, 100).Select(i => i % 2 == 0 ? i / 10f : -i / 10f).ToArray());
        Assert.Equal(5f, signed.Percentile(0.5), 0.11f);
    }

    [Fact]
    public void EntropyClipsAFarOutlierButKeepsTheBulk()
    {
        var rng = new Random(5);
        var values = new float[200_000];
        for (int i = 0; i < values.Length; i++)
            values[i] = MathF.Abs((float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())));
        values[0] = 100f; // one outlier sets the histogram's limit
        var h = new AbsHistogram(2048, 100f);
        h.Add(values);
        float t = h.Entropy(128);
        Assert.InRange(t, 2.5f, 20f); // |N(0,1)|: the bulk ends near 4–5; the outlier at 100 is clipped
    }

    [Fact]
    public void WeightsArePerChannelSymmetricWithinHalfAStep()
    {
        const int m = 3, per = 17;
        var w = Reference.Random(m * per, 11, -2f, 2f);
        w[per + 4] = 0.5f; // channel 1 gets a small range
        for (int i = per; i < 2 * per; i++)
            w[i] *= 0.01f;
        w[2 * per + 3] = 0f;
        var t = TensorData.Create("w", DataType.Float32, [m, per], w.Select(v => (double)v).ToArray());
        var (q, scales) = WeightQuantizer.Quantize(t);
        for (int c = 0; c < m; c++)
        {
            float amax = w.Skip(c * per).Take(per).Max(MathF.Abs);
            Assert.Equal(amax / 127, scales[c], 1e-7f);
            Assert.Contains(q.Skip(c * per).Take(per), v => Math.Abs(v) == 127);
            for (int i = c * per; i < (c + 1) * per; i++)
            {
                Assert.InRange((int)q[i], -127, 127);
                Assert.True(Math.Abs(q[i] * scales[c] - w[i]) <= scales[c] / 2 + 1e-7f, $"weight {i}: {w[i]} → {q[i]}·{scales[c]}");
            }
        }
        // The bias lands at the accumulator's scale x_scale·w_scale.
        var b = TensorData.Create("b", DataType.Float32, [m], [1.0, -0.5, 0.25]);
        var bq = WeightQuantizer.Bias(b, m, 0.1f, scales);
        for (int c = 0; c < m; c++)
            Assert.Equal(Math.Round(TensorData.ToDoubles(b)[c] / (0.1f * (double)scales[c])), bq[c]);
    }
}
