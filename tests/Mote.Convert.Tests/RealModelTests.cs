using Mote.Convert.Passes;
using Mote.Convert.Tests.Support;
using Mote.Format;
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

    [Fact]
    public void SqueezeNetFp16()
    {
        var r = Convert("squeezenet1.0-fp16", "SqueezeNet_fp16.onnx");
    }

    [Fact]
    public void Mnist()
    {
        var r = Convert("mnist", "mnist.onnx");
    }

    [Fact]
    public void UltraFaceRfb320()
    {
        var r = Convert("ultraface", "version-RFB-320.onnx");
    }

    [Fact]
    public void UltraFaceSlim320()
    {
        var r = Convert("ultraface", "version-slim-320.onnx");
    }

    [Fact]
    public void FastestDet()
    {
        var r = Convert("fastestdet", "FastestDet.onnx");
    }
}
