using Google.Protobuf;
using Mote.Convert.Onnx;
using Mote.Convert.Tests.Support;
using Xunit.Abstractions;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>Corrupt, truncated and hostile files fail with <see cref="OnnxImportException"/> only: no other exception, no hang.</summary>
public sealed class HostileFileTests(ITestOutputHelper output)
{
    public static TheoryData<string> RealModels => new()
    {
        "squeezenet1.0-fp16/SqueezeNet_fp16.onnx",
        "mnist/mnist.onnx",
        "ultraface/version-RFB-320.onnx",
        "ultraface/version-slim-320.onnx",
        "fastestdet/FastestDet.onnx",
    };

    /// <summary>Converts <paramref name="bytes"/> written to a file: true when it imported, false for a typed failure; anything else fails the test.</summary>
    private static bool Survives(TempDir dir, byte[] bytes, List<string> failures, string what)
    {
        string file = dir.File("m.onnx");
        File.WriteAllBytes(file, bytes);
        try
        {
            Converter.Convert(file);
            return true;
        }
        catch (OnnxImportException e)
        {
            if (!e.Message.StartsWith("m.onnx: ", StringComparison.Ordinal) || e.Message.Contains('\n'))
                failures.Add($"{what}: message not one line naming the file: {e.Message}");
            return false;
        }
        catch (Exception e)
        {
            failures.Add($"{what}: {e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    [Theory]
    [MemberData(nameof(RealModels))]
    public void TruncationsAndByteFlipsOfRealModels(string model)
    {
        var original = File.ReadAllBytes(SharedData.Model(model.Split('/')));
        using var dir = new TempDir();
        var failures = new List<string>();
        var rng = new Random(model.Length);
        int imported = 0, total = 0;
        // Truncations: every short prefix, then evenly spread cut points.
        var cuts = Enumerable.Range(0, 40).Concat(Enumerable.Range(1, 80).Select(i => (int)((long)original.Length * i / 81))).Append(original.Length - 1);
        foreach (int cut in cuts)
        {
            total++;
            if (Survives(dir, original[..cut], failures, $"truncated at {cut}"))
                imported++;
        }
        // Byte flips: single random bytes, biased to the graph structure at the start and end of the file.
        for (int k = 0; k < 120; k++)
        {
            var bytes = (byte[])original.Clone();
            int pos = k % 3 == 0 ? rng.Next(Math.Min(4096, bytes.Length)) : k % 3 == 1 ? bytes.Length - 1 - rng.Next(Math.Min(65536, bytes.Length)) : rng.Next(bytes.Length);
            bytes[pos] = (byte)rng.Next(256);
            total++;
            if (Survives(dir, bytes, failures, $"byte {pos} set to {bytes[pos]}"))
                imported++;
        }
        output.WriteLine($"{model}: {total} corrupted variants, {imported} still imported, {total - imported - failures.Count} typed failures, {failures.Count} other");
        Assert.Empty(failures);
    }

    [Fact]
    public void OtherFormatsAreNamed()
    {
        using var dir = new TempDir();
        var failures = new List<string>();
        string png = dir.File("image.onnx");
        File.Copy(SharedData.Model("mnist", "mnist_28.png"), png);
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(png));
        Assert.Equal("image.onnx: not an ONNX model: the file looks like a PNG image", e.Message);

        string empty = dir.File("empty.onnx");
        File.WriteAllBytes(empty, []);
        Assert.Equal("empty.onnx: the file is empty", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(empty)).Message);

        Assert.Contains("file not found", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(dir.File("nope.onnx"))).Message);

        Assert.False(Survives(dir, System.Text.Encoding.UTF8.GetBytes("ir_version: 7\ngraph { }"), failures, "text"));
        var rng = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            var garbage = new byte[rng.Next(1, 2048)];
            rng.NextBytes(garbage);
            Assert.False(Survives(dir, garbage, failures, $"garbage {i}"));
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void ProtobufLevelAttacksFailCleanly()
    {
        using var dir = new TempDir();
        var failures = new List<string>();
        // Field 7 (graph), length-delimited, with a length far beyond the file.
        Assert.False(Survives(dir, [0x08, 0x07, 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x0A], failures, "huge length"));
        // A negative (10-byte varint) length.
        Assert.False(Survives(dir, [0x08, 0x07, 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], failures, "negative length"));
        // Recursion bomb: subgraphs nested 150 deep (protobuf's nesting limit stops it).
        var g = Graph("leaf", [Node("Neg", ["x"], ["z"])], [], [Value("z", F32, 1)]);
        for (int d = 0; d < 150; d++)
            g = new GraphProto { Name = "", Node = { Node("If", ["c"], ["o"], "", Attr("then_branch", g)) } };
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(dir.Write(Model(g), "deep.onnx")));
        Assert.StartsWith("deep.onnx: not a valid ONNX protobuf", e.Message);
        Assert.Empty(failures);
    }

    [Fact]
    public void AbsurdDimensionsImportAndConvertWithoutAllocating()
    {
        using var dir = new TempDir();
        string file = dir.Write(Model(Graph("g",
            [Node("Relu", ["x"], ["r"]), Node("Dropout", ["r"], ["d", "mask"]), Node("Neg", ["d"], ["y"])],
            [Value("x", F32, long.MaxValue, long.MaxValue)], [Value("y", F32, long.MaxValue, long.MaxValue), Value("mask", Bool, long.MaxValue, long.MaxValue)])));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = Converter.Convert(file);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Equal(long.MaxValue, result.Model.Tensor("x").Shape![0].Value);
        Assert.Contains(result.Model.Graph.Nodes, n => n.Op == Mote.Format.OpType.Dropout); // mask shape unusable: kept
    }
}
