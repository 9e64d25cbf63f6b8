using Google.Protobuf;
using Mote.Cli.Reference;
using Mote.Convert.Accuracy;
using Mote.Convert.Export;
using Mote.Convert.Onnx;
using Mote.Convert.Quantization;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Runtime;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>
/// <c>mote export</c>: a converted model written back as ONNX runs in ONNX Runtime and gives what the original ONNX
/// model gives there (Mote's fusions written out again as standard nodes), and an int8 conversion runs there as the
/// integer model Mote runs.
/// </summary>
public sealed class OnnxExporterTests
{
    private const int C = 6;

    // Conv+Add+Relu (residual), Conv+Clip (relu6), depthwise Conv+LeakyRelu, Conv+HardSwish, then a MatMul + bias.
    private static ModelProto Network() => Model(Graph("net",
        [
            Node("Conv", ["x", "w", "b"], ["c1"], "c1", Ints("pads", 1, 1, 1, 1)),
            Node("Add", ["c1", "x"], ["r1"], "add"),
            Node("Relu", ["r1"], ["a1"], "relu"),
            Node("Conv", ["a1", "w"], ["c2"], "c2", Ints("pads", 1, 1, 1, 1)),
            Node("Clip", ["c2", "lo", "hi"], ["a2"], "relu6"),
            Node("Conv", ["a2", "dw", "b"], ["c3"], "dw", Ints("pads", 1, 1, 1, 1), Attr("group", (long)C)),
            Node("LeakyRelu", ["c3"], ["a3"], "leaky", Attr("alpha", 0.2f)),
            Node("Conv", ["a3", "w"], ["c4"], "c4", Ints("pads", 1, 1, 1, 1)),
            Node("HardSwish", ["c4"], ["a4"], "hswish"),
            Node("MatMul", ["a4", "m"], ["mm"], "mm"),
            Node("Add", ["mm", "mb"], ["y"], "bias"),
        ],
        [Value("x", F32, "batch", C, 5, 7)], [ValueNoShape("y", F32)],
        FloatTensor("w", [C, C, 3, 3], [.. Enumerable.Range(0, C * C * 9).Select(i => MathF.Sin(i * 0.31f) * 0.3f)]),
        FloatTensor("dw", [C, 1, 3, 3], [.. Enumerable.Range(0, C * 9).Select(i => 0.05f * (i % 7) - 0.1f)]),
        FloatTensor("b", [C], [.. Enumerable.Range(0, C).Select(i => 0.1f * i - 0.3f)]),
        FloatTensor("lo", [], [0f]), FloatTensor("hi", [], [6f]),
        FloatTensor("m", [7, 4], [.. Enumerable.Range(0, 28).Select(i => MathF.Cos(i * 0.5f))]),
        FloatTensor("mb", [4], [0.5f, -0.25f, 0.125f, 1f])), 17);

    [Fact]
    public void FusedModelExportsToStandardOnnxThatMatchesTheOriginal()
    {
        var original = Network();
        var converted = Fusion.Convert(original);
        Assert.Contains(converted.Model.Graph.Nodes, n => n.Attributes.Any(a => a.Name.StartsWith("mote.", StringComparison.Ordinal)));
        var exported = OnnxExporter.Export(converted.Model);
        Assert.DoesNotContain(exported.Graph.Node, n => n.Attribute.Any(a => a.Name.StartsWith("mote.", StringComparison.Ordinal)));
        Assert.All(exported.Graph.Node, n => Assert.True(n.OpType != "Conv" || n.Input.Count <= 3, $"{n.Name}: {n.Input.Count} inputs"));

        using var dir = new TempDir();
        using var reference = new OnnxRuntimeRunner(dir.Write(original, "original.onnx"));
        using var roundTrip = new OnnxRuntimeRunner(dir.Write(exported, "exported.onnx"));
        foreach (int batch in new[] { 1, 3 })
        {
            var inputs = new[] { Fusion.Floats("x", batch, -2f, 2f, batch, C, 5, 7) };
            var c = Comparison.Of(roundTrip.Run(inputs)[0].Value, reference.Run(inputs)[0].Value);
            Assert.True(c.ShapeMatches && c.MaxRel <= 1e-5, $"batch {batch}: max rel {c.MaxRel}");
        }
    }

    [Fact]
    public void Int8ModelRunsInOnnxRuntimeAsMoteRunsIt()
    {
        var original = Network();
        using var dir = new TempDir();
        var samples = Enumerable.Range(0, 6).Select(s => (IReadOnlyList<NamedTensor>)[Fusion.Floats("x", 10 + s, -2f, 2f, 1, C, 5, 7)]).ToList();
        var result = Converter.Convert(dir.Write(original), new ConvertOptions { Precision = Precision.Int8, Samples = _ => samples });
        // A mixed model: the Relu6 convolution in integers, the rest float with Mote's fusions (written out again on export).
        var report = result.Passes.Single(p => p.Pass == "QuantizeInt8");
        Assert.Equal(1, report.CountOf("Conv → QLinearConv"));
        Assert.Equal(1, report.CountOf("Conv kept float: residual addition"));
        Assert.Equal(1, report.CountOf("Conv kept float: fused LeakyRelu"));
        Assert.Equal(1, report.CountOf("Conv kept float: fused HardSwish"));
        var path = dir.File("int8.onnx");
        File.WriteAllBytes(path, OnnxExporter.Export(result.Model).ToByteArray());
        using var ort = new OnnxRuntimeRunner(path);
        using var model = MoteModel.FromDefinition(result.Model);
        using var session = model.CreateSession();
        foreach (var sample in samples)
        {
            var mote = session.Run(sample)[0].Value;
            var c = Comparison.Of(mote, ort.Run(sample)[0].Value);
            // Same integer model; ONNX Runtime's requantization rounds in float32, Mote's as the ONNX reference does
            // (float64), so a code can differ by one step here and there.
            Assert.True(c.ShapeMatches && c.Cosine >= 0.9999, $"cosine {c.Cosine}, max rel {c.MaxRel}");
        }
    }
}
