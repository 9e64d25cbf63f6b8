using Mote.Convert.Onnx;
using Mote.Convert.Tests.Support;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>Tensors stored in side files: read relative to the model, never outside its directory.</summary>
public sealed class ExternalDataTests
{
    private static TensorProto External(string location, long[] dims, long? offset = null, long? length = null)
    {
        var t = new TensorProto { Name = "w", DataType = F32, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.AddRange(dims);
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        if (offset is not null)
            t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.Value.ToString() });
        if (length is not null)
            t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.Value.ToString() });
        return t;
    }

    private static ModelProto WithInitializer(TensorProto w) => Model(Graph("g",
        [Node("Identity", ["w"], ["y"])], [], [ValueNoShape("y", F32)], w));

    private static byte[] FloatBytes(params float[] v) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()).ToArray();

    [Fact]
    public void ReadsRangeFromSideFile()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("weights"));
        File.WriteAllBytes(dir.File("weights/data.bin"), [.. new byte[8], .. FloatBytes(1f, 2f, 3f), .. new byte[4]]);
        string model = dir.Write(WithInitializer(External("weights/data.bin", [3], offset: 8, length: 12)));
        var w = OnnxImporter.Import(model).Model.Tensor("w");
        Assert.Equal([1f, 2f, 3f], Tensors.Floats(w));
    }

    [Fact]
    public void LengthMayBeOmitted()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("d.bin"), FloatBytes(4f, 5f));
        var w = OnnxImporter.Import(dir.Write(WithInitializer(External("d.bin", [2])))).Model.Tensor("w");
        Assert.Equal([4f, 5f], Tensors.Floats(w));
    }

    [Theory]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("../secret.bin", "escapes the model's directory")]
    [InlineData("sub/../../secret.bin", "escapes the model's directory")]
    [InlineData("missing.bin", "cannot open external data file")]
    public void BadLocationsAreRejected(string location, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(Path.Combine(dir.Path, "..", "secret.bin"), FloatBytes(1f, 2f));
        try
        {
            var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(dir.Write(WithInitializer(External(location, [2])))));
            Assert.Contains(expected, e.Message);
            Assert.StartsWith("model.onnx: ", e.Message);
        }
        finally
        {
            File.Delete(Path.Combine(dir.Path, "..", "secret.bin"));
        }
    }

    [Fact]
    public void RangeBeyondFileIsRejected()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("d.bin"), FloatBytes(1f, 2f));
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(dir.Write(WithInitializer(External("d.bin", [2], offset: 4)))));
        Assert.Contains("beyond the end", e.Message);
        var huge = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(dir.Write(WithInitializer(External("d.bin", [2], offset: long.MaxValue)))));
        Assert.Contains("beyond the end", huge.Message);
    }

    [Fact]
    public void LengthMismatchAndBadNumbersAreRejected()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("d.bin"), FloatBytes(1f, 2f, 3f));
        Assert.Contains("does not match", Assert.Throws<OnnxImportException>(() =>
            OnnxImporter.Import(dir.Write(WithInitializer(External("d.bin", [2], length: 12))))).Message);
        var t = External("d.bin", [2]);
        t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "-4" });
        Assert.Contains("not a non-negative integer", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(dir.Write(WithInitializer(t)))).Message);
    }

    [Fact]
    public void LargeExternalTensorIsReadWithoutLoadingTheModelTwice()
    {
        using var dir = new TempDir();
        const int count = 25 << 20; // 100 MB of floats
        var data = new byte[count * 4L];
        for (int i = 0; i < count; i += 4096)
            BitConverter.TryWriteBytes(data.AsSpan(i * 4), (float)i);
        File.WriteAllBytes(dir.File("big.bin"), data);
        data = null!;
        string model = dir.Write(WithInitializer(External("big.bin", [count])));
        GC.Collect();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var w = OnnxImporter.Import(model).Model.Tensor("w");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(count * 4L, w.Data!.Value.Length);
        Assert.Equal(4096f, BitConverter.ToSingle(w.Data.Value.Span.Slice(4096 * 4, 4)));
        // One copy of the data plus small change.
        Assert.True(allocated < count * 4L + (8 << 20), $"allocated {allocated} bytes for a {count * 4L}-byte tensor");
    }
}
