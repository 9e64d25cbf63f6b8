using Mote.Convert.Accuracy;
using Mote.Cli.Reference;
using Mote.Convert.Onnx;
using Mote.Convert.Passes;
using Mote.Format;
using Mote.Runtime;

namespace Mote.Convert.Tests.Support;

/// <summary>
/// Checks a fusion end to end: converts a hand-built ONNX model with the default pipeline, writes and
/// reloads the .mote file, and runs it beside ONNX Runtime on the unfused ONNX graph.
/// </summary>
internal static class Fusion
{
    /// <summary>The model converted by <see cref="Converter.Convert"/> (every pass), checked for structural problems.</summary>
    public static ConvertResult Convert(ModelProto model)
    {
        using var dir = new TempDir();
        var result = Converter.Convert(dir.Write(model));
        Assert.Empty(ModelCheck.Problems(result.Model));
        return result;
    }

    /// <summary>How many nodes of <paramref name="op"/> the converted model has.</summary>
    public static int Count(ConvertResult result, OpType op) => result.OpHistogram.FirstOrDefault(p => p.Key == op).Value;

    /// <summary>The pass report named <paramref name="pass"/>.</summary>
    public static PassReport Report(ConvertResult result, string pass) => Assert.Single(result.Passes, p => p.Pass == pass);

    /// <summary>
    /// Runs <paramref name="onnx"/> with ONNX Runtime and <paramref name="converted"/> (through a .mote file)
    /// with Mote on each input set; every output must agree within <paramref name="tolerance"/> of the
    /// reference's largest magnitude.
    /// </summary>
    public static void AssertMatchesOnnxRuntime(ModelProto onnx, ConvertResult converted, double tolerance, params NamedTensor[][] inputSets)
    {
        using var dir = new TempDir();
        string mote = dir.File("model.mote");
        MoteWriter.Write(converted.Model, mote);
        using var model = MoteModel.Load(mote);
        using var session = model.CreateSession();
        using var ort = new OnnxRuntimeRunner(dir.Write(onnx));
        foreach (var inputs in inputSets)
        {
            var expected = ort.Run(inputs);
            var actual = session.Run(inputs);
            foreach (var e in expected)
            {
                var c = Comparison.Of(actual[e.Name], e.Value);
                string shape = string.Join(" ", inputs.Select(i => $"{i.Name} {i.Value}"));
                Assert.True(c.ShapeMatches, $"{shape}: output {e.Name} has shape {actual[e.Name]}, expected {e.Value}");
                Assert.True(c.MaxRel <= tolerance, $"{shape}: output {e.Name} max abs err {c.MaxAbs:G3} = {c.MaxRel:G3} of its scale (tolerance {tolerance:G3})");
            }
        }
    }

    /// <summary>A float input of <paramref name="shape"/> with values uniform in [lo, hi).</summary>
    public static NamedTensor Floats(string name, int seed, float lo, float hi, params int[] shape) =>
        new(name, Tensor.FromArray(Reference.Random(shape.Aggregate(1, (a, b) => a * b), seed, lo, hi), shape));
}
