using System.Diagnostics;
using System.Runtime.InteropServices;
using Mote.Format.Tests.Helpers;
using Xunit.Abstractions;

namespace Mote.Format.Tests;

/// <summary>A model past 100 MB is mapped, not copied: opening it allocates next to nothing.</summary>
public sealed class LargeFileTests(ITestOutputHelper output)
{
    [Fact]
    public void LargeModelWeightsAreUsedInPlace()
    {
        const int Layers = 4, Rows = 2048, Cols = 4096; // 4 × 32 MiB of f32 weights
        var m = new ModelDef();
        m.Value("x", DataType.Float32, Dim.Symbolic("batch"), Cols);
        m.Graph.Inputs.Add("x");
        for (int i = 0; i < Layers; i++)
        {
            var w = new float[Rows * Cols];
            for (int j = 0; j < w.Length; j += 4099)
                w[j] = i + j * 1e-6f;
            m.Constant($"w{i}", DataType.Float32, [Cols, Rows], w);
            m.Value($"h{i}", DataType.Float32, Dim.Symbolic("batch"), Rows);
            m.Graph.Node(OpType.MatMul, $"mm{i}", ["x", $"w{i}"], [$"h{i}"]);
            m.Graph.Outputs.Add($"h{i}");
        }

        using var dir = new TempDir();
        string path = dir.File("large.mote");
        var clock = Stopwatch.StartNew();
        MoteWriter.Write(m, path);
        var write = clock.Elapsed;
        long length = new FileInfo(path).Length;
        Assert.True(length > 100_000_000, $"only {length} bytes");

        foreach (bool verify in new[] { false, true })
        {
            clock.Restart();
            long before = GC.GetAllocatedBytesForCurrentThread();
            using var file = MoteFile.Open(path, new MoteReadOptions { VerifyChecksums = verify });
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            output.WriteLine($"{length / 1e6:F0} MB: write {write.TotalMilliseconds:F0} ms; open verify={verify} {clock.Elapsed.TotalMilliseconds:F0} ms, {allocated} bytes allocated");
            Assert.True(allocated < 256 * 1024, $"opening allocated {allocated} bytes: weights were copied?");

            var w3 = file.Model.Tensor("w3").Data!.Value;
            Assert.Equal(Rows * Cols * 4, w3.Length);
            Assert.True(MemoryMarshal.TryGetMemoryManager(w3, out MappedMemoryManager? _));
            var floats = MemoryMarshal.Cast<byte, float>(w3.Span);
            Assert.Equal(3f, floats[0]);
            Assert.Equal(3f + 4099 * 1e-6f, floats[4099]);
            Assert.Equal(0f, floats[1]);
        }
    }
}
