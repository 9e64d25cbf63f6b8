using Mote.Cli.Inputs;
using Mote.Format;
using Mote.Runtime;
using Xunit;

namespace Mote.Models.Tests;

/// <summary>SqueezeNet 1.0 (fp16) and MNIST against ONNX Runtime and their reference outputs.</summary>
public sealed class ClassifierTests(ModelHarness harness) : IClassFixture<ModelHarness>
{
    private static readonly string SqueezeNet = SharedData.Path("models", "squeezenet1.0-fp16", "SqueezeNet_fp16.onnx");
    private static readonly string Mnist = SharedData.Path("models", "mnist", "mnist.onnx");

    // The output is f16: both runtimes round it to the same f16 values at this tolerance.
    private const double SqueezeNetTolerance = 1e-4;

    [Theory]
    [InlineData("kitten_224.png", 281)] // tabby
    // The shipped reference output for this photo (expected_fish_output.csv) and ONNX Runtime both rank
    // class 0 (tench) first at 0.74, class 389 second: the model's answer, not goldfish (1).
    [InlineData("fish.png", 0)]
    public void SqueezeNetClassifiesPhotos(string image, int expectedClass)
    {
        var (model, _) = harness.Load(SqueezeNet);
        var input = ImageLoader.Load(SharedData.Path("models", "squeezenet1.0-fp16", image), model.Inputs[0],
            new Dictionary<string, int>(), new ImageOptions { Bgr = true });
        var (mote, reference) = harness.RunBoth(SqueezeNet, [new NamedTensor("data_0", input)]);
        var probs = mote["softmaxout_1"].ToSingleArray();
        Assert.Equal(expectedClass, ArgMax(probs));
        Assert.Equal(ArgMax(reference[0].Value.ToSingleArray()), ArgMax(probs));
        ModelHarness.AssertClose(mote, reference, SqueezeNetTolerance, image);
    }

    [Fact]
    public void SqueezeNetMatchesTheShippedFishOutput()
    {
        var x = CsvData.Numbers(SharedData.Path("models", "squeezenet1.0-fp16", "fish_input.csv")).Select(v => (Half)v).ToArray();
        var expected = CsvData.IndexValue(SharedData.Path("models", "squeezenet1.0-fp16", "expected_fish_output.csv"));
        var (mote, reference) = harness.RunBoth(SqueezeNet, [new NamedTensor("data_0", Tensor.FromArray(x, 1, 3, 224, 224))]);
        var y = mote["softmaxout_1"].ToSingleArray();
        Assert.Equal(1000, y.Length);
        foreach (var (i, v) in expected)
            Assert.True(Math.Abs(y[i] - v) <= 2e-3, $"class {i}: {y[i]} vs shipped {v}");
        ModelHarness.AssertClose(mote, reference, SqueezeNetTolerance, "fish_input.csv");
    }

    [Fact]
    public void MnistReadsTheEight()
    {
        var x = CsvData.Numbers(SharedData.Path("models", "mnist", "mnist_28.csv"));
        var (mote, reference) = harness.RunBoth(Mnist, [new NamedTensor("Input3", Tensor.FromArray(x, 1, 1, 28, 28))]);
        Assert.Equal(8, ArgMax(mote["Plus214_Output_0"].ToSingleArray()));
        ModelHarness.AssertClose(mote, reference, 1e-4, "mnist_28.csv");
    }

    [Fact]
    public void MnistFromThePngMatchesTheCsv()
    {
        var (model, _) = harness.Load(Mnist);
        var fromPng = ImageLoader.Load(SharedData.Path("models", "mnist", "mnist_28.png"), model.Inputs[0], new Dictionary<string, int>(), new ImageOptions());
        var csv = CsvData.Numbers(SharedData.Path("models", "mnist", "mnist_28.csv"));
        Assert.Equal(DataType.Float32, fromPng.Type);
        Assert.Equal(csv, fromPng.ToArray<float>());
    }

    internal static int ArgMax(float[] v) => Array.IndexOf(v, v.Max());
}
