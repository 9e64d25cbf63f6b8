using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

/// <summary>The window operators and MelWeightMatrix against their ONNX formulas.</summary>
public class SignalGeneratorTests
{
    private static double Window(OpType op, int n, int size, bool periodic)
    {
        double big = periodic ? size : size - 1;
        double c1 = Math.Cos(2 * Math.PI * n / big), c2 = Math.Cos(4 * Math.PI * n / big);
        return op switch
        {
            OpType.HannWindow => 0.5 - 0.5 * c1,
            OpType.HammingWindow => 25.0 / 46 - 21.0 / 46 * c1,
            _ => 0.42 - 0.5 * c1 + 0.08 * c2,
        };
    }

    [Theory]
    [InlineData(OpType.HannWindow)]
    [InlineData(OpType.HammingWindow)]
    [InlineData(OpType.BlackmanWindow)]
    public void WindowsFollowTheCosineFormula(OpType op)
    {
        foreach (int size in new[] { 0, 1, 2, 5, 10, 17 })
            foreach (bool periodic in new[] { true, false })
            {
                var y = OpRunner.RunBoth(op, [Tensor.Scalar((long)size)], 1, Attr("periodic", periodic ? 1L : 0))[0];
                Assert.Equal(DataType.Float32, y.Type);
                Assert.Equal([size], y.Shape.ToArray());
                var want = Enumerable.Range(0, size).Select(n => Window(op, n, size, periodic)).ToArray();
                // A symmetric window of one point divides 0 by 0, as the ONNX function body does: NaN.
                ScalarReference.AssertClose(y.ToArray<float>(), want, 1e-6, 1e-7, $"{op} size {size} periodic {periodic}");
            }
    }

    [Fact]
    public void WindowsHonourOutputDatatype()
    {
        var want = Enumerable.Range(0, 9).Select(n => Window(OpType.HannWindow, n, 9, true)).ToArray();
        var f64 = OpRunner.RunBoth(OpType.HannWindow, [Tensor.Scalar(9)], 1, Attr("output_datatype", (long)DataType.Float64))[0];
        Assert.Equal(DataType.Float64, f64.Type);
        for (int i = 0; i < 9; i++)
            Assert.True(Math.Abs(f64.ToArray<double>()[i] - want[i]) < 1e-15);
        // Integer outputs truncate like Cast; f16 outputs are f32 values rounded through half precision.
        var i32 = OpRunner.RunBoth(OpType.BlackmanWindow, [Tensor.Scalar(6L)], 1, Attr("output_datatype", (long)DataType.Int32))[0];
        Assert.Equal(new int[6], i32.ToArray<int>());
        var f16 = OpRunner.RunBoth(OpType.HannWindow, [Tensor.Scalar(9)], 1, Attr("output_datatype", (long)DataType.Float16))[0];
        Assert.Equal(DataType.Float32, f16.Type);
        Assert.Equal(want.Select(v => (float)(Half)v).ToArray(), f16.ToArray<float>());
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.HannWindow, [Tensor.Scalar(4L)], 1, false, Attr("output_datatype", 8L)));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.HannWindow, [Tensor.Scalar(-1L)], 1, true));
    }

    /// <summary>Band i of the ONNX mel matrix: a triangle over the bins between its edge points.</summary>
    private static double[] Mel(int melBins, int dftLength, int sampleRate, double lower, double upper)
    {
        int rows = dftLength / 2 + 1;
        double lowMel = 2595 * Math.Log10(1 + lower / 700), highMel = 2595 * Math.Log10(1 + upper / 700);
        var edge = Enumerable.Range(0, melBins + 2)
            .Select(i => (long)Math.Floor((dftLength + 1) * (700 * (Math.Pow(10, (lowMel + i * (highMel - lowMel) / (melBins + 2)) / 2595) - 1)) / sampleRate))
            .ToArray();
        var w = new double[rows * melBins];
        for (int j = 0; j < rows; j++)
            for (int i = 0; i < melBins; i++)
            {
                long l = edge[i], c = edge[i + 1], r = edge[i + 2];
                double v = 0;
                if (j == c && c == l)
                    v = 1;
                else if (j >= l && j <= c && c > l)
                    v = (double)(j - l) / (c - l);
                if (j >= c && j < r)
                    v = (double)(r - j) / (r - c);
                w[j * melBins + i] = v;
            }
        return w;
    }

    [Theory]
    [InlineData(8, 16, 8192, 0f, 4096f)]
    [InlineData(10, 64, 16000, 20f, 7600f)]
    [InlineData(40, 512, 16000, 0f, 8000f)]
    [InlineData(3, 9, 100, 10f, 50f)]
    public void MelWeightMatrixIsTriangularBands(int bins, int length, int rate, float lower, float upper)
    {
        var y = OpRunner.RunBoth(OpType.MelWeightMatrix,
            [Tensor.Scalar(bins), Tensor.Scalar((long)length), Tensor.Scalar(rate), Tensor.Scalar(lower), Tensor.Scalar(upper)], 1)[0];
        Assert.Equal([length / 2 + 1, bins], y.Shape.ToArray());
        ScalarReference.AssertClose(y.ToArray<float>(), Mel(bins, length, rate, lower, upper), 1e-6, 1e-7, "mel");
    }

    [Fact]
    public void MelWeightMatrixInDouble()
    {
        var y = OpRunner.RunBoth(OpType.MelWeightMatrix,
            [Tensor.Scalar(5L), Tensor.Scalar(32L), Tensor.Scalar(1000L), Tensor.Scalar(0.0), Tensor.Scalar(500.0)], 1,
            Attr("output_datatype", (long)DataType.Float64))[0];
        var want = Mel(5, 32, 1000, 0, 500);
        var got = y.ToArray<double>();
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(got[i] - want[i]) < 1e-15, $"element {i}");
    }
}
