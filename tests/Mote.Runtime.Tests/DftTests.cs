using System.Numerics;
using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.Nd;

namespace Mote.Runtime.Tests;

/// <summary>DFT and STFT through a session, against the defining sums written from the ONNX spec.</summary>
public class DftTests
{
    /// <summary>
    /// ONNX DFT on a [..., 1|2] tensor along <paramref name="axis"/>: zero-pad/truncate to L, forward sum or
    /// inverse sum / L; onesided keeps bins 0..L/2 (forward) or rebuilds a Hermitian spectrum and returns
    /// the real signal (inverse).
    /// </summary>
    private static (double[] Values, int[] Shape) Reference(double[] x, int[] shape, int axis, int? dftLength, bool inverse, bool onesided)
    {
        int n = shape[axis], parts = shape[^1];
        int length = dftLength ?? (inverse && onesided ? 2 * (n - 1) : n);
        var outShape = (int[])shape.Clone();
        outShape[axis] = onesided && !inverse ? length / 2 + 1 : length;
        outShape[^1] = inverse && onesided ? 1 : 2;
        var y = new double[Count(outShape)];
        foreach (var o in All(outShape))
        {
            if (o[^1] != 0)
                continue;
            int k = o[axis];
            Complex Sample(int j)
            {
                if (j >= n)
                    return 0;
                var s = (int[])o.Clone();
                s[axis] = j;
                s[^1] = 0;
                int at = Offset(s, shape);
                return new Complex(x[at], parts == 2 ? x[at + 1] : 0);
            }
            Complex sum = 0;
            for (int j = 0; j < length; j++)
            {
                Complex v = inverse && onesided ? (j <= length / 2 ? Sample(j) : Complex.Conjugate(Sample(length - j))) : Sample(j);
                double a = 2 * Math.PI * ((long)j * k % length) / length;
                sum += v * new Complex(Math.Cos(a), inverse ? Math.Sin(a) : -Math.Sin(a));
            }
            if (inverse)
                sum /= length;
            y[Offset(o, outShape)] = sum.Real;
            if (outShape[^1] == 2)
                y[Offset(o, outShape) + 1] = sum.Imaginary;
        }
        return (y, outShape);
    }

    private static void AssertSpectrum(double[] want, Tensor got, int[] shape, string what)
    {
        Assert.Equal(shape, got.Shape.ToArray());
        double scale = 1 + want.Select(Math.Abs).DefaultIfEmpty(0).Max();
        double[] g = got.Type == DataType.Float64 ? got.ToArray<double>() : got.ToArray<float>().Select(v => (double)v).ToArray();
        // Transformed in double, rounded once: within f32 rounding of the largest magnitude (f64: far tighter).
        double tol = (got.Type == DataType.Float64 ? 1e-12 : 4e-7) * scale;
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(g[i] - want[i]) <= tol, $"{what}: element {i} is {g[i]}, expected {want[i]}");
    }

    private static float[] Data(int[] shape, int seed) => ScalarReference.Floats((int)Count(shape), seed, -2, 2);

    [Theory]
    [InlineData(new[] { 2, 8, 1 }, 1, null, false, false)]
    [InlineData(new[] { 2, 8, 2 }, -2, null, true, false)]
    [InlineData(new[] { 3, 12, 5, 2 }, 1, null, false, false)]
    [InlineData(new[] { 3, 12, 5, 1 }, 1, null, false, true)]
    [InlineData(new[] { 3, 12, 5, 1 }, 1, 13, false, true)]
    [InlineData(new[] { 4, 7, 2 }, 1, 5, false, false)]
    [InlineData(new[] { 4, 7, 2 }, 1, 100, true, false)]
    [InlineData(new[] { 2, 3, 70, 1 }, 2, null, false, false)]
    [InlineData(new[] { 6, 4, 2 }, 0, null, false, false)]
    [InlineData(new[] { 1, 6, 10, 2 }, 1, null, true, true)]
    [InlineData(new[] { 1, 6, 10, 2 }, 1, 11, true, true)]
    [InlineData(new[] { 1, 6, 10, 2 }, -3, 4, true, true)]
    [InlineData(new[] { 5, 1 }, 0, null, false, false)]
    [InlineData(new[] { 1, 1 }, 0, 9, false, true)]
    public void DftMatchesTheDefiningSum(int[] shape, int axis, int? dftLength, bool inverse, bool onesided)
    {
        var x = Data(shape, shape.Sum() + axis);
        var inputs = new OpInput[] { Tensor.FromArray(x, shape), dftLength is { } l ? Const(Ints(l)) : new OpInput(null), Const(Ints(axis)) };
        var y = OpRunner.RunBoth(OpType.DFT, inputs, 1, Attr("inverse", inverse ? 1L : 0), Attr("onesided", onesided ? 1L : 0))[0];
        var (want, outShape) = Reference(x.Select(v => (double)v).ToArray(), shape, axis < 0 ? axis + shape.Length : axis, dftLength, inverse, onesided);
        AssertSpectrum(want, y, outShape, $"DFT {ShapeMath.Format(shape)} axis {axis}");
    }

    [Fact]
    public void DftInDoubleAndWithTheDefaultAxis()
    {
        int[] shape = [3, 9, 4, 2];
        var x = ScalarReference.Floats((int)Count(shape), 3).Select(v => (double)v).ToArray();
        var y = OpRunner.RunBoth(OpType.DFT, [Tensor.FromArray(x, shape)], 1)[0];
        Assert.Equal(DataType.Float64, y.Type);
        var (want, outShape) = Reference(x, shape, 2, null, false, false);
        AssertSpectrum(want, y, outShape, "f64, default axis −2");
    }

    [Fact]
    public void AxisAndLengthComputedWhileRunningMakeADynamicStep()
    {
        // axis and dft_length are graph inputs: the output shape is only known when the model runs.
        int[] shape = [2, 6, 3, 1];
        var x = Data(shape, 9);
        foreach (var (axis, length) in new[] { (1, 6), (2, 5), (1, 9) })
        {
            var y = OpRunner.Run(OpType.DFT, [Tensor.FromArray(x, shape), Ints(length), Ints(axis)], 1, fold: false, Attr("onesided", 1L))[0];
            var (want, outShape) = Reference(x.Select(v => (double)v).ToArray(), shape, axis, length, false, true);
            AssertSpectrum(want, y, outShape, $"axis {axis} length {length}");
        }
    }

    [Fact]
    public void DftRejectsBadAxesAndShapes()
    {
        var x = Tensor.FromArray(new float[12], 2, 3, 2);
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.DFT, [x, new OpInput(null), Const(Ints(2))], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.DFT, [x, new OpInput(null), Const(Ints(-1))], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.DFT, [Tensor.FromArray(new float[12], 2, 2, 3)], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.DFT, [x, Const(Ints(0)), Const(Ints(1))], 1, false));
        // An IRFFT needs complex bins.
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.DFT, [Tensor.FromArray(new float[6], 2, 3, 1)], 1, false, Attr("inverse", 1L), Attr("onesided", 1L)));
    }

    /// <summary>ONNX STFT: frames of frame_length samples every frame_step, times the window, each transformed.</summary>
    private static double[] StftReference(float[] x, int[] shape, int step, float[]? window, int frame, bool onesided)
    {
        int batch = shape[0], length = shape[1], parts = shape[2];
        int frames = 1 + (length - frame) / step, bins = onesided ? frame / 2 + 1 : frame;
        var y = new double[batch * frames * bins * 2];
        for (int b = 0; b < batch; b++)
            for (int f = 0; f < frames; f++)
            {
                var line = new Complex[frame];
                for (int j = 0; j < frame; j++)
                {
                    int at = (b * length + f * step + j) * parts;
                    float w = window?[j] ?? 1f;
                    line[j] = new Complex(x[at] * w, parts == 2 ? x[at + 1] * w : 0);
                }
                var spectrum = FftTests.NaiveDft(line, false);
                for (int k = 0; k < bins; k++)
                {
                    y[((b * frames + f) * bins + k) * 2] = spectrum[k].Real;
                    y[((b * frames + f) * bins + k) * 2 + 1] = spectrum[k].Imaginary;
                }
            }
        return y;
    }

    [Theory]
    [InlineData(1, 128, 1, 8, 16, false, true)]
    [InlineData(2, 50, 1, 7, 12, true, true)]
    [InlineData(2, 50, 2, 5, 10, true, false)]
    [InlineData(1, 33, 2, 33, 33, false, false)]
    [InlineData(3, 20, 1, 3, 20, false, true)]
    public void StftMatchesFramedTransforms(int batch, int length, int parts, int step, int frame, bool withWindow, bool onesided)
    {
        int[] shape = [batch, length, parts];
        var x = Data(shape, length + step);
        float[]? window = withWindow ? ScalarReference.Floats(frame, 4, 0, 1) : null;
        var inputs = new OpInput[]
        {
            Tensor.FromArray(x, shape), Const(Tensor.Scalar((long)step)), window is null ? new OpInput(null) : Tensor.FromArray(window, frame),
            withWindow && frame % 2 == 0 ? new OpInput(null) : Const(Tensor.Scalar((long)frame)),
        };
        // With a window and no frame_length, the window's length is the frame; without either, the whole signal.
        if (!withWindow && frame == length)
            inputs[3] = new OpInput(null);
        var y = OpRunner.RunBoth(OpType.STFT, inputs, 1, Attr("onesided", onesided ? 1L : 0))[0];
        int frames = 1 + (length - frame) / step, bins = onesided ? frame / 2 + 1 : frame;
        AssertSpectrum(StftReference(x, shape, step, window, frame, onesided), y, [batch, frames, bins, 2], "STFT");
    }

    [Fact]
    public void StftRejectsMismatchedWindowAndFrame()
    {
        var x = Tensor.FromArray(new float[40], 1, 40, 1);
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.STFT, [x, Const(Tensor.Scalar(4L)), Tensor.FromArray(new float[8], 8), Const(Tensor.Scalar(10L))], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.STFT, [x, Const(Tensor.Scalar(0L)), new OpInput(null), Const(Tensor.Scalar(10L))], 1, false));
        Assert.ThrowsAny<MoteException>(() => OpRunner.Run(OpType.STFT, [x, Const(Tensor.Scalar(4L)), new OpInput(null), Const(Tensor.Scalar(41L))], 1, false));
    }
}
