using Mote.Convert.Passes;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Kernels;
using Mote.Runtime.Operators.NeuralNet;
using Xunit.Abstractions;

namespace Mote.Convert.Tests;

/// <summary>Imports and converts the five real models and checks their structure.</summary>
public sealed class RealModelTests(ITestOutputHelper output)
{
    private ConvertResult Convert(params string[] path)
    {
        string file = SharedData.Model(path);
        var imported = OnnxImporter.Import(file);
        Assert.Empty(ModelCheck.Problems(imported.Model));
        var before = Histogram(imported.Model);
        var reports = PassPipeline.CreateDefault().Run(imported.Model);
        Assert.Empty(ModelCheck.Problems(imported.Model));
        var result = Converter.Summarize(imported, reports);
        output.WriteLine($"{Path.GetFileName(file)}: opset {result.Import.Opset}, {result.ParameterCount} parameters");
        output.WriteLine("  before passes: " + string.Join(", ", before.Select(p => $"{p.Key}×{p.Value}")));
        output.WriteLine("  after passes:  " + string.Join(", ", result.OpHistogram.Select(p => $"{p.Key}×{p.Value}")));
        foreach (var r in reports)
            output.WriteLine("  " + r);
        foreach (var w in result.Warnings)
            output.WriteLine("  warning: " + w);
        foreach (var c in result.Import.Counts)
            output.WriteLine($"  import: {c.Value} {c.Key}");
        foreach (var name in result.Model.Graph.Inputs.Concat(result.Model.Graph.Outputs))
            output.WriteLine("  io: " + result.Model.Tensor(name));
        return result;
    }

    private static Dictionary<OpType, int> Histogram(ModelDef m) =>
        m.Graph.AllNodes().GroupBy(n => n.Op).ToDictionary(g => g.Key, g => g.Count());

    private static int Count(ConvertResult r, OpType op) => r.OpHistogram.FirstOrDefault(p => p.Key == op).Value;

    private static void Io(ModelDef m, string name, DataType type, params long[] shape)
    {
        var t = m.Tensor(name);
        Assert.Equal(type, t.Type);
        Assert.Equal(shape, t.FixedShape());
    }

    private static void AllFused(ConvertResult r, OpType producer, ActivationKind kind, int expected)
    {
        int fused = r.Model.Graph.Nodes.Count(n => n.Op == producer && n.Attribute(FusedActivation.KindAttribute)?.Int == (long)kind);
        Assert.Equal(expected, fused);
    }

    [Fact]
    public void SqueezeNetFp16()
    {
        var r = Convert("squeezenet1.0-fp16", "SqueezeNet_fp16.onnx");
        var m = r.Model;
        Assert.Equal(7, r.Import.Opset);
        Assert.Equal(["data_0"], m.Graph.Inputs);
        Assert.Equal(["softmaxout_1"], m.Graph.Outputs);
        Io(m, "data_0", DataType.Float16, 1, 3, 224, 224);
        Io(m, "softmaxout_1", DataType.Float16, 1, 1000, 1, 1);
        Assert.Equal(26, Count(r, OpType.Conv));
        Assert.Equal(0, Count(r, OpType.Relu));
        Assert.Equal(0, Count(r, OpType.Dropout));
        Assert.Equal(8, Count(r, OpType.Concat));
        AllFused(r, OpType.Conv, ActivationKind.Relu, 26);
        // Weights stay fp16. The first conv is 64 filters of 3x3x3 and there are 1,235,496 parameters:
        // SqueezeNet 1.1's architecture (MODELS.md calls the file 1.0).
        var conv1 = m.Graph.Nodes.First(n => n.Op == OpType.Conv);
        var w = m.Tensor(conv1.Inputs[1]);
        Assert.Equal(DataType.Float16, w.Type);
        Assert.Equal([64L, 3, 3, 3], w.FixedShape());
        Assert.All(m.Tensors.Values.Where(t => t.IsConstant && t.Type.IsFloat()), t => Assert.Equal(DataType.Float16, t.Type));
        Assert.Equal(1_235_496, r.ParameterCount);
    }

    [Theory]
    [InlineData("squeezenet1.0-fp16", "SqueezeNet_fp16.onnx")]
    [InlineData("ultraface", "version-RFB-320.onnx")]
    public void ImportAllocationIsProportionalToTheFile(string dir, string name)
    {
        string file = SharedData.Model(dir, name);
        OnnxImporter.Import(file); // warm up (JIT, static tables)
        long before = GC.GetAllocatedBytesForCurrentThread();
        OnnxImporter.Import(file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long size = new FileInfo(file).Length;
        output.WriteLine($"{name}: file {size} bytes, import allocated {allocated} bytes ({(double)allocated / size:F2}x)");
        // The file is parsed from a stream (never held whole) and raw_data is used as parsed, without a second copy.
        Assert.True(allocated < 4 * size + (4 << 20), $"import allocated {allocated} bytes for a {size}-byte file");
    }

    [Fact]
    public void Mnist()
    {
        var r = Convert("mnist", "mnist.onnx");
        var m = r.Model;
        Io(m, "Input3", DataType.Float32, 1, 1, 28, 28);
        Io(m, "Plus214_Output_0", DataType.Float32, 1, 10);
        Assert.Equal(2, Count(r, OpType.Conv));
        Assert.Equal(2, Count(r, OpType.MaxPool));
        Assert.Equal(1, Count(r, OpType.MatMul));
        // conv 8x1x5x5+8, conv 16x8x5x5+16, fc 256x10+10, two int64[2] Reshape shapes.
        Assert.Equal(200 + 8 + 3200 + 16 + 2560 + 10 + 4, r.ParameterCount);
    }

    [Theory]
    [InlineData("version-RFB-320.onnx", 52, 35, 1)]
    [InlineData("version-slim-320.onnx", 42, 25, 0)]
    public void UltraFace(string file, int convs, int batchNorms, int reluLeft)
    {
        var original = OnnxImporter.Import(SharedData.Model("ultraface", file)).Model;
        Assert.Equal(batchNorms, original.Graph.Nodes.Count(n => n.Op == OpType.BatchNormalization));
        var r = Convert("ultraface", file);
        var m = r.Model;
        Assert.Equal(9, r.Import.Opset);
        Io(m, "input", DataType.Float32, 1, 3, 240, 320);
        Io(m, "scores", DataType.Float32, 1, 4420, 2);
        Io(m, "boxes", DataType.Float32, 1, 4420, 4);
        Assert.Equal(convs, Count(r, OpType.Conv));
        Assert.Equal(0, Count(r, OpType.BatchNormalization));
        Assert.Equal(reluLeft, Count(r, OpType.Relu));
        Assert.Equal(1, Count(r, OpType.Softmax));
        // Opset 9 Slice/Unsqueeze were rewritten to the input form.
        Assert.All(m.Graph.Nodes.Where(n => n.Op is OpType.Slice or OpType.Unsqueeze), n => Assert.Empty(n.Attributes));
    }

    [Fact]
    public void FastestDet()
    {
        var r = Convert("fastestdet", "FastestDet.onnx");
        var m = r.Model;
        Assert.Equal(11, r.Import.Opset);
        Io(m, "input.1", DataType.Float32, 1, 3, 352, 352);
        Assert.Equal(["758"], m.Graph.Outputs);
        Assert.Equal(70, Count(r, OpType.Conv));
        Assert.Equal(1, Count(r, OpType.Resize));
        // 47 Conv → Relu, plus the one Conv → Add → Relu whose Add became the Conv's residual input.
        AllFused(r, OpType.Conv, ActivationKind.Relu, 48);
        AllFused(r, OpType.Conv, ActivationKind.Sigmoid, 1);
        Assert.Single(m.Graph.Nodes, n => n.Op == OpType.Conv && n.Input(3).Length > 0);
    }
}
