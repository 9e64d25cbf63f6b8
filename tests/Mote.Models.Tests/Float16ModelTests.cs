using Mote.Cli.Inputs;
using Mote.Cli.Reference;
using Mote.Convert;
using Mote.Convert.Quantization;
using Mote.Format;
using Mote.Runtime;
using Xunit;

namespace Mote.Models.Tests;

/// <summary>
/// <c>--precision fp16</c> on the real float32 models: half the file, and the same answers as the float32 model run by
/// ONNX Runtime on real photos (same faces and objects, same digit).
/// </summary>
public sealed class Float16ModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mote-fp16-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Converts at fp32 and fp16; returns the fp16 model and the fp16 / fp32 file size ratio.
    private (MoteModel Model, double SizeRatio) ConvertBoth(string onnx)
    {
        string name = Path.GetFileNameWithoutExtension(onnx);
        string f32 = Path.Combine(_dir, name + ".mote"), f16 = Path.Combine(_dir, name + ".fp16.mote");
        MoteWriter.Write(Converter.Convert(onnx).Model, f32);
        var result = Converter.Convert(onnx, new ConvertOptions { Precision = Precision.Fp16 });
        Assert.Contains(result.Passes, p => p.Pass == "Float16Weights" && p.CountOf("weights to float16") > 0);
        MoteWriter.Write(result.Model, f16);
        return (MoteModel.Load(f16), (double)new FileInfo(f16).Length / new FileInfo(f32).Length);
    }

    [Theory]
    [InlineData("version-RFB-320.onnx")]
    [InlineData("version-slim-320.onnx")]
    public void UltraFaceFindsTheSameFaces(string file)
    {
        var onnx = SharedData.Path("models", "ultraface", file);
        var (model, ratio) = ConvertBoth(onnx);
        using var _ = model;
        Assert.InRange(ratio, 0.45, 0.52);
        using var session = model.CreateSession();
        using var reference = new OnnxRuntimeRunner(onnx);
        foreach (var image in Directory.GetFiles(SharedData.Path("models", "ultraface", "imgs")).Order())
        {
            var input = ImageLoader.Load(image, model.Inputs[0], new Dictionary<string, int>(), new ImageOptions { Mean = [127f], Std = [128f] });
            var feeds = new[] { new NamedTensor("input", input) };
            var mote = session.Run(feeds);
            var expected = reference.Run(feeds);
            var faces = DetectorTests.UltraFaceDetections(expected.First(r => r.Name == "scores").Value, expected.First(r => r.Name == "boxes").Value);
            Assert.NotEmpty(faces);
            Detection.AssertSameObjects(faces, DetectorTests.UltraFaceDetections(mote["scores"], mote["boxes"]), $"{file} fp16 on {Path.GetFileName(image)}");
            ModelHarness.AssertClose(mote, expected, 5e-3, $"{file} fp16 on {Path.GetFileName(image)}");
        }
    }

    [Fact]
    public void FastestDetFindsTheSameObjects()
    {
        var onnx = SharedData.Path("models", "fastestdet", "FastestDet.onnx");
        var (model, ratio) = ConvertBoth(onnx);
        using var _ = model;
        // Its graph section (70 convolutions' records) is 8 % of the fp16 file, so the file is a little over half.
        Assert.InRange(ratio, 0.45, 0.53);
        using var session = model.CreateSession();
        using var reference = new OnnxRuntimeRunner(onnx);
        foreach (var image in Directory.GetFiles(SharedData.Path("models", "fastestdet"), "*.jpg").Order())
        {
            var input = ImageLoader.Load(image, model.Inputs[0], new Dictionary<string, int>(), new ImageOptions { Bgr = true, Scale = 1f / 255 });
            var feeds = new[] { new NamedTensor(model.Inputs[0].Name, input) };
            var expected = reference.Run(feeds)[0];
            var objects = DetectorTests.FastestDetDetections(expected.Value);
            Assert.NotEmpty(objects);
            Detection.AssertSameObjects(objects, DetectorTests.FastestDetDetections(session.Run(feeds)[expected.Name]), $"FastestDet fp16 on {Path.GetFileName(image)}");
        }
    }

    [Fact]
    public void MnistReadsTheSameDigit()
    {
        var onnx = SharedData.Path("models", "mnist", "mnist.onnx");
        var (model, _) = ConvertBoth(onnx);
        using var __ = model;
        using var session = model.CreateSession();
        var x = CsvData.Numbers(SharedData.Path("models", "mnist", "mnist_28.csv"));
        var scores = session.Run(new NamedTensor("Input3", Tensor.FromArray(x, 1, 1, 28, 28)))[0].Value.ToSingleArray();
        Assert.Equal(8, Array.IndexOf(scores, scores.Max()));
    }
}
