using Google.Protobuf;
using Mote.Convert.Onnx;
using Mote.Convert.Tests.Support;
using Mote.Format;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>Every TensorProto storage form decodes to the same little-endian bytes; bad lengths and shapes fail cleanly.</summary>
public sealed class TensorStorageTests
{
    /// <summary>A model whose only output is the initializer <c>w</c> (through Identity so it has a node).</summary>
    private static ModelProto WithInitializer(TensorProto w) => Model(Graph("g",
        [Node("Identity", ["w"], ["y"])], [], [ValueNoShape("y", w.DataType)], w));

    private static TensorDef Decode(TensorProto t) => Importer.Model(WithInitializer(t)).Tensor("w");

    private static TensorProto Tensor(int type, long[] dims)
    {
        var t = new TensorProto { Name = "w", DataType = type };
        t.Dims.AddRange(dims);
        return t;
    }

    [Fact]
    public void FloatData()
    {
        var d = Decode(FloatTensor("w", [2, 2], 1f, -2.5f, 3e-8f, float.NegativeInfinity));
        Assert.Equal(DataType.Float32, d.Type);
        Assert.Equal([2L, 2], Tensors.Shape(d));
        Assert.Equal([1f, -2.5f, 3e-8f, float.NegativeInfinity], Tensors.Floats(d));
    }

    [Fact]
    public void RawDataIsLittleEndianBytesAsIs()
    {
        var d = Decode(FloatRaw("w", [3], 1f, 2f, 3f));
        Assert.Equal([1f, 2f, 3f], Tensors.Floats(d));
        Assert.Equal(new byte[] { 0, 0, 0x80, 0x3F }, d.Data!.Value.Span[..4].ToArray());
    }

    [Fact]
    public void Int32DataCarriesFloat16Bits()
    {
        var t = Tensor(F16, [3]);
        // 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF
        t.Int32Data.AddRange([0x3C00, 0xC000, 0x7BFF]);
        var d = Decode(t);
        Assert.Equal(DataType.Float16, d.Type);
        Assert.Equal(new byte[] { 0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B }, d.Data!.Value.ToArray());
    }

    [Fact]
    public void Int32DataCarriesBFloat16Bits()
    {
        var t = Tensor(BF16, [2]);
        t.Int32Data.AddRange([0x3F80, 0xBFC0]); // 1.0, -1.5
        var d = Decode(t);
        Assert.Equal(DataType.BFloat16, d.Type);
        Assert.Equal(new byte[] { 0x80, 0x3F, 0xC0, 0xBF }, d.Data!.Value.ToArray());
    }

    [Theory]
    [InlineData(Bool, new[] { 1, 0, 7 }, new byte[] { 1, 0, 1 })]
    [InlineData(I8, new[] { -1, 127, -128 }, new byte[] { 0xFF, 0x7F, 0x80 })]
    [InlineData(U8, new[] { 255, 0, 9 }, new byte[] { 0xFF, 0, 9 })]
    [InlineData(I16, new[] { -2, 300 }, new byte[] { 0xFE, 0xFF, 0x2C, 0x01 })]
    [InlineData(U16, new[] { 65535, 1 }, new byte[] { 0xFF, 0xFF, 1, 0 })]
    [InlineData(I32, new[] { -1, 16777216 }, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1 })]
    public void Int32DataSmallTypes(int type, int[] values, byte[] expected)
    {
        var t = Tensor(type, [values.Length]);
        t.Int32Data.AddRange(values);
        var d = Decode(t);
        Assert.Equal((DataType)type, d.Type);
        Assert.Equal(expected, d.Data!.Value.ToArray());
    }

    [Fact]
    public void Int64Data()
    {
        var d = Decode(Int64Tensor("w", [2], long.MinValue, 5));
        Assert.Equal([long.MinValue, 5L], Tensors.Longs(d));
    }

    [Fact]
    public void DoubleData()
    {
        var t = Tensor(F64, [2]);
        t.DoubleData.AddRange([Math.PI, -0.0]);
        var d = Decode(t);
        Assert.Equal(DataType.Float64, d.Type);
        Assert.Equal(BitConverter.GetBytes(Math.PI).Concat(BitConverter.GetBytes(-0.0)), d.Data!.Value.ToArray());
    }

    [Fact]
    public void Uint64DataForUInt32AndUInt64()
    {
        var t32 = Tensor(U32, [2]);
        t32.Uint64Data.AddRange([4294967295UL, 7]);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 7, 0, 0, 0 }, Decode(t32).Data!.Value.ToArray());
        var t64 = Tensor(U64, [1]);
        t64.Uint64Data.Add(ulong.MaxValue);
        var d = Decode(t64);
        Assert.Equal(DataType.UInt64, d.Type);
        Assert.Equal(Enumerable.Repeat((byte)0xFF, 8), d.Data!.Value.ToArray());
    }

    [Fact]
    public void ScalarAndEmptyTensors()
    {
        var scalar = Decode(FloatTensor("w", [], 4f));
        Assert.Empty(scalar.Shape!);
        Assert.Equal([4f], Tensors.Floats(scalar));
        var empty = Decode(FloatTensor("w", [0, 3]));
        Assert.Equal(0, empty.ElementCount);
        Assert.Equal(0, empty.Data!.Value.Length);
    }

    [Fact]
    public void RawDataLengthMismatchFails()
    {
        var t = FloatRaw("w", [4], 1f, 2f, 3f);
        var e = Importer.Fails(WithInitializer(t));
        Assert.Contains("raw_data holds 12 bytes", e.Message);
        Assert.StartsWith("model.onnx: ", e.Message);
    }

    [Fact]
    public void TypedDataCountMismatchFails()
    {
        var e = Importer.Fails(WithInitializer(FloatTensor("w", [3], 1f, 2f)));
        Assert.Contains("float_data holds 2", e.Message);
    }

    [Fact]
    public void MissingDataFails() => Assert.Contains("no data", Importer.Fails(WithInitializer(FloatTensor("w", [3]))).Message);

    [Fact]
    public void NegativeDimensionFails() => Assert.Contains("negative dimension", Importer.Fails(WithInitializer(FloatTensor("w", [2, -1]))).Message);

    [Fact]
    public void OverflowingShapeFailsWithoutAllocating()
    {
        var e = Importer.Fails(WithInitializer(FloatRaw("w", [1L << 40, 1L << 40], 1f)));
        Assert.Contains("overflows", e.Message);
        var big = Importer.Fails(WithInitializer(FloatRaw("w", [1L << 40], 1f)));
        Assert.Contains("more than one array can hold", big.Message);
    }

    [Fact]
    public void UnsupportedTypesFailClearly()
    {
        var s = Tensor(Str, [1]);
        s.StringData.Add(ByteString.CopyFromUtf8("x"));
        Assert.Contains("STRING", Importer.Fails(WithInitializer(s)).Message);
        var f8 = Tensor(F8, [1]);
        f8.RawData = ByteString.CopyFrom(1);
        Assert.Contains("FLOAT8E4M3FN, which Mote does not support", Importer.Fails(WithInitializer(f8)).Message);
    }

    [Fact]
    public void SegmentedTensorFails()
    {
        var t = FloatTensor("w", [1], 1f);
        t.Segment = new TensorProto.Types.Segment { Begin = 0, End = 1 };
        Assert.Contains("segmented", Importer.Fails(WithInitializer(t)).Message);
    }

    [Fact]
    public void Float16GraphInputsAndOutputsStayFloat16()
    {
        var m = Importer.Model(Model(Graph("g", [Node("Relu", ["x"], ["y"])], [Value("x", F16, 1, 4)], [Value("y", F16, 1, 4)])));
        Assert.Equal(DataType.Float16, m.Tensor("x").Type);
        Assert.Equal(DataType.Float16, m.Tensor("y").Type);
        var b = Importer.Model(Model(Graph("g", [Node("Relu", ["x"], ["y"])], [Value("x", BF16, 2)], [Value("y", BF16, 2)])));
        Assert.Equal(DataType.BFloat16, b.Tensor("x").Type);
    }

    [Fact]
    public void SparseInitializerIsDensified()
    {
        var values = FloatTensor("w", [2], 5f, 7f);
        var indices = Int64Tensor("w_idx", [2], 1, 5);
        var sparse = new SparseTensorProto { Values = values, Indices = indices };
        sparse.Dims.AddRange([2, 3]);
        var g = Graph("g", [Node("Identity", ["w"], ["y"])], [], [ValueNoShape("y", F32)]);
        g.SparseInitializer.Add(sparse);
        var d = Importer.Model(Model(g)).Tensor("w");
        Assert.Equal([2L, 3], Tensors.Shape(d));
        Assert.Equal([0f, 5f, 0f, 0f, 0f, 7f], Tensors.Floats(d));
    }

    [Fact]
    public void SparseBombIsRejected()
    {
        var sparse = new SparseTensorProto { Values = FloatTensor("w", [1], 1f), Indices = Int64Tensor("i", [1], 0) };
        sparse.Dims.AddRange([1L << 20, 1L << 20]);
        var g = Graph("g", [Node("Identity", ["w"], ["y"])], [], [ValueNoShape("y", F32)]);
        g.SparseInitializer.Add(sparse);
        Assert.Contains("would expand", Importer.Fails(Model(g)).Message);
    }
}
