using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mote.Format.Tests.Helpers;

namespace Mote.Format.Tests;

public sealed class RoundTripTests
{
    [Fact]
    public void FullFeatureModelRoundTripsInMemory()
    {
        var model = TestModels.FullFeature();
        var bytes = ModelBuilder.Write(model);
        using var file = MoteFile.Read(bytes);
        ModelComparer.AssertEqual(model, file.Model);
        Assert.Equal(1, file.MajorVersion);
        Assert.Equal(0, file.MinorVersion);
        Assert.Equal(bytes.Length, file.FileLength);
    }

    [Fact]
    public void FullFeatureModelRoundTripsThroughAMappedFile()
    {
        var model = TestModels.FullFeature();
        using var dir = new TempDir();
        string path = dir.File("full.mote");
        MoteWriter.Write(model, path);
        using var file = MoteFile.Open(path);
        ModelComparer.AssertEqual(model, file.Model);
    }

    [Fact]
    public void ConvNetRoundTrips()
    {
        var model = TestModels.ConvNet();
        using var file = MoteFile.Read(ModelBuilder.Write(model));
        ModelComparer.AssertEqual(model, file.Model);
    }

    [Fact]
    public void WritingTwiceGivesIdenticalBytes()
    {
        Assert.Equal(ModelBuilder.Write(TestModels.FullFeature()), ModelBuilder.Write(TestModels.FullFeature()));
        Assert.Equal(ModelBuilder.Write(TestModels.ConvNet()), ModelBuilder.Write(TestModels.ConvNet()));
    }

    [Fact]
    public void TensorTableOrderDoesNotChangeTheFile()
    {
        var a = TestModels.FullFeature();
        var b = TestModels.FullFeature();
        var shuffled = b.Tensors.Values.OrderBy(t => t.Name.GetHashCode(StringComparison.Ordinal) ^ 0x5bd1e995).ToList();
        b.Tensors.Clear();
        foreach (var t in shuffled)
            b.Add(t);
        Assert.Equal(ModelBuilder.Write(a), ModelBuilder.Write(b));
    }

    [Fact]
    public void ReadingBackAndWritingAgainGivesIdenticalBytes()
    {
        var bytes = ModelBuilder.Write(TestModels.FullFeature());
        using var file = MoteFile.Read(bytes);
        Assert.Equal(bytes, ModelBuilder.Write(file.Model));
    }

    [Fact]
    public void UnreferencedTensorsAreDropped()
    {
        var model = TestModels.FullFeature();
        model.Constant("unused_weight", DataType.Float32, [1000], new float[1000]);
        model.Value("unused_value", DataType.Int32, 3);
        var withUnused = ModelBuilder.Write(model);
        using var file = MoteFile.Read(withUnused);
        Assert.False(file.Model.Tensors.ContainsKey("unused_weight"));
        Assert.False(file.Model.Tensors.ContainsKey("unused_value"));
        model.Tensors.Remove("unused_weight");
        model.Tensors.Remove("unused_value");
        Assert.Equal(ModelBuilder.Write(model), withUnused);
    }

    [Fact]
    public unsafe void MappedWeightsAre64ByteAlignedAndPointIntoTheMapping()
    {
        using var dir = new TempDir();
        string path = dir.File("convnet.mote");
        MoteWriter.Write(TestModels.ConvNet(), path);
        using var file = MoteFile.Open(path);
        int constants = 0;
        foreach (var t in file.Model.Tensors.Values.Where(t => t.IsConstant && t.Data!.Value.Length > 0))
        {
            constants++;
            Assert.True(MemoryMarshal.TryGetMemoryManager(t.Data!.Value, out MappedMemoryManager? _), $"{t.Name} is not backed by the mapping");
            nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.Data!.Value.Span));
            Assert.True(address % 64 == 0, $"{t.Name} data at 0x{address:X} is not 64-byte aligned");
        }
        Assert.True(constants > 30, $"only {constants} constants");
    }

    [Fact]
    public unsafe void InMemoryReadSlicesTheCallersBytes()
    {
        var bytes = ModelBuilder.Write(TestModels.FullFeature());
        using var file = MoteFile.Read(bytes);
        var data = file.Model.Tensor("c_f64").Data!.Value;
        Assert.True(MemoryMarshal.TryGetArray(data, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(0, segment.Offset % 64);
        Assert.Equal(Math.PI, BitConverter.ToDouble(data.Span));
    }

    [Fact]
    public void MappedDataCannotBeReadAfterDispose()
    {
        using var dir = new TempDir();
        string path = dir.File("m.mote");
        MoteWriter.Write(TestModels.FullFeature(), path);
        var file = MoteFile.Open(path);
        var data = file.Model.Tensor("c_i32").Data!.Value;
        Assert.Equal(int.MinValue, BitConverter.ToInt32(data.Span));
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => data.Span.Length);
        file.Dispose(); // twice is harmless
    }

    [Fact]
    public void SectionsAreListedForTools()
    {
        var bytes = ModelBuilder.Write(TestModels.ConvNet());
        using var file = MoteFile.Read(bytes);
        Assert.Equal([MoteSectionKind.Graph, MoteSectionKind.Weights, MoteSectionKind.Metadata], file.Sections.Select(s => s.Kind));
        var weights = file.Sections[1];
        Assert.Equal(0, weights.Offset % 64);
        Assert.Equal(bytes.Length, weights.Offset + weights.Length);
        Assert.True(weights.Length > 1_000_000, $"weights are only {weights.Length} bytes");
        Assert.All(file.Sections, s => Assert.Equal(System.IO.Hashing.XxHash3.HashToUInt64(bytes.AsSpan((int)s.Offset, (int)s.Length)), s.Checksum));
    }
}

public sealed class ModelComparerTests
{
    [Fact]
    public void ComparerNoticesSmallDifferences()
    {
        var a = TestModels.FullFeature();
        ModelComparer.AssertEqual(a, TestModels.FullFeature());

        var b = TestModels.FullFeature();
        var data = b.Tensor("c_f64").Data!.Value.ToArray();
        data[7] ^= 1;
        b.Tensor("c_f64").Data = data;
        Assert.Throws<Xunit.Sdk.XunitException>(() => ModelComparer.AssertEqual(a, b));

        var c = TestModels.FullFeature();
        c.Graph.Nodes.Single(n => n.Op == OpType.Loop).Attributes[0].Graph!.Nodes[1].Attributes[0].Graph!.Nodes[0].Inputs[1] = "x";
        Assert.Throws<Xunit.Sdk.XunitException>(() => ModelComparer.AssertEqual(a, c));

        var d = TestModels.FullFeature();
        d.Tensor("w_q").Quant = new QuantParams([0.5f, 0.25f, 0.125f, 2e-3f], [0, 0, 0, 0], axis: 0);
        Assert.Throws<Xunit.Sdk.XunitException>(() => ModelComparer.AssertEqual(a, d));

        var e = TestModels.FullFeature();
        e.Graph.Nodes.Single(n => n.Name == "all_attributes").Attributes[1] = AttributeDef.FromFloat("f", float.PositiveInfinity);
        Assert.Throws<Xunit.Sdk.XunitException>(() => ModelComparer.AssertEqual(a, e));
    }

    [Fact]
    public void SyntheticConvNetHasRealisticSize()
    {
        var m = TestModels.ConvNet();
        var bytes = ModelBuilder.Write(m);
        Assert.InRange(m.Tensors.Count, 90, 160);
        Assert.InRange(bytes.Length, 2_000_000, 8_000_000);
        Assert.Contains(m.Tensors.Values, t => t.Quant?.Axis == 0 && t.IsConstant);
        Assert.Contains(m.Tensors.Values, t => t.Type == DataType.Float16 && t.IsConstant);
    }
}
