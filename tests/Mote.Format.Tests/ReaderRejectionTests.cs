using System.Buffers.Binary;
using Mote.Format.Tests.Helpers;

namespace Mote.Format.Tests;

/// <summary>Hand-crafted malformed files: each must fail with a <see cref="MoteFormatException"/> that says what is wrong and where.</summary>
public sealed class ReaderRejectionTests
{
    private const uint F32 = 1, HasShape = 1, HasQuant = 2, Constant = 4;

    private static MoteFormatException Reject(byte[] file, string messagePart, string section = "graph", bool verify = true)
    {
        var e = Assert.Throws<MoteFormatException>(() => MoteFile.Read(file, new MoteReadOptions { VerifyChecksums = verify }));
        Assert.Contains(messagePart, e.Message);
        Assert.Equal(section, e.Section);
        return e;
    }

    /// <summary>Tensor record: name, type, flags, optional rank and fixed dims.</summary>
    private static RawBytes Tensor(RawBytes b, string name, uint type = F32, uint flags = HasShape, params long[] dims)
    {
        b.Str(name).U8((int)type).U8((int)flags);
        if ((flags & HasShape) != 0)
        {
            b.U32((uint)dims.Length);
            foreach (var d in dims)
                b.I64(d);
        }
        return b;
    }

    /// <summary>Graph with one input tensor "x" and the given node bytes, output = <paramref name="output"/>.</summary>
    private static byte[] OneInputGraph(Action<RawBytes> moreTensors, int tensorCount, Action<RawBytes> nodes, int nodeCount, uint output = 0)
    {
        var b = new RawBytes().U32((uint)tensorCount);
        Tensor(b, "x", dims: 4);
        moreTensors(b);
        b.Str("main").U32(1).U32(0).U32(1).U32(output).U32((uint)nodeCount);
        nodes(b);
        return b.ToArray();
    }

    private static void Node(RawBytes b, int op, uint[] inputs, uint[] outputs, Action<RawBytes>? attributes = null, int attributeCount = 0)
    {
        b.U16(op).Str("n");
        b.U32((uint)inputs.Length);
        foreach (var i in inputs)
            b.U32(i);
        b.U32((uint)outputs.Length);
        foreach (var o in outputs)
            b.U32(o);
        b.U32((uint)attributeCount);
        attributes?.Invoke(b);
    }

    [Fact]
    public void MinimalHandBuiltFileLoads()
    {
        var file = RawBytes.File(OneInputGraph(_ => { }, 1, _ => { }, 0));
        using var f = MoteFile.Read(file);
        Assert.Equal(["x"], f.Model.Graph.Inputs);
        Assert.Equal([(Dim)4], f.Model.Tensor("x").Shape!);
    }

    [Fact]
    public void EmptyInput() => Reject([], "not a .mote file (the file is empty)", "header");

    [Fact]
    public void TextFileHasBadMagic() => Reject("hello, this is not a model\n"u8.ToArray(), "not a .mote file (bad magic)", "header");

    [Fact]
    public void TextModeLineEndingMangledFileHasBadMagic()
    {
        var good = ModelBuilder.Write(TestModels.FullFeature());
        var mangled = good.Take(5).Concat(good.Skip(6)).ToArray(); // CR LF -> LF
        Reject(mangled, "bad magic", "header");
    }

    [Fact]
    public void TruncatedFileIsReportedAsSuch()
    {
        var good = ModelBuilder.Write(TestModels.FullFeature());
        Reject(good[..^1], "truncated", "header");
        Reject(good[..20], "truncated", "header");
        Reject(good[..8], "truncated", "header");
    }

    [Fact]
    public void HugeTensorCountFailsFastWithoutAllocating()
    {
        var graph = new RawBytes().U32(0x8000_0000).Raw(new byte[1000]).ToArray();
        var file = RawBytes.File(graph);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Reject(file, "tensor count 2147483648 cannot fit");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 200_000);
        Assert.InRange(e.Offset, 40, file.Length);
    }

    [Fact]
    public void UnknownOperatorId()
    {
        var file = RawBytes.File(OneInputGraph(b => Tensor(b, "y", dims: 4), 2, b => Node(b, 4711, [0], [1]), 1, output: 1));
        Reject(file, "operator id 4711 is unknown to this build");
        var zero = RawBytes.File(OneInputGraph(b => Tensor(b, "y", dims: 4), 2, b => Node(b, 0, [0], [1]), 1, output: 1));
        Reject(zero, "operator id 0 is unknown");
    }

    [Fact]
    public void InvalidUtf8Name()
    {
        var b = new RawBytes().U32(1).Bytes32([0x78, 0xC3, 0x28]).U8(1).U8(0).Str("").U32(0).U32(0).U32(0);
        Reject(RawBytes.File(b.ToArray()), "tensor name is not valid UTF-8");
    }

    [Fact]
    public void EmptyAndDuplicateTensorNames()
    {
        Reject(RawBytes.File(OneInputGraph(b => Tensor(b, "x", dims: 4), 2, _ => { }, 0)), "named 'x', like an earlier tensor");
        var empty = new RawBytes().U32(1);
        Tensor(empty, "").Str("").U32(0).U32(0).U32(0);
        Reject(RawBytes.File(empty.ToArray()), "has an empty name");
    }

    [Theory]
    [InlineData(8)] // reserved for strings
    [InlineData(14)]
    [InlineData(17)]
    [InlineData(255)]
    public void UnknownDataType(int type) =>
        Reject(RawBytes.File(OneInputGraph(b => Tensor(b, "y", (uint)type, dims: 4), 2, _ => { }, 0)), $"unknown data type id {type}");

    [Fact]
    public void UnknownTypeIsAcceptedOnlyForComputedValues()
    {
        using (var f = MoteFile.Read(RawBytes.File(OneInputGraph(b => Tensor(b, "y", 0, dims: 4), 2, _ => { }, 0))))
            Assert.Equal(DataType.Undefined, f.Model.Tensor("y").Type);
        Reject(RawBytes.File(OneInputGraph(b => Tensor(b, "y", 0, flags: HasShape | HasQuant, dims: 4), 2, _ => { }, 0)), "unknown data type id 0");
    }

    [Fact]
    public void UnknownTensorFlagBits() =>
        Reject(RawBytes.File(OneInputGraph(b => Tensor(b, "y", flags: HasShape | 0x10, dims: 4), 2, _ => { }, 0)), "unknown flag bits 0x10");

    [Fact]
    public void RankAndDimensionLimits()
    {
        Reject(RawBytes.File(OneInputGraph(b => Tensor(b, "y", dims: new long[65]), 2, _ => { }, 0)), "rank 65, above the limit of 64");
        using (MoteFile.Read(RawBytes.File(OneInputGraph(b => Tensor(b, "y", dims: new long[64]), 2, _ => { }, 0)))) { }
        Reject(RawBytes.File(OneInputGraph(b => Tensor(b, "y", dims: [3, -2]), 2, _ => { }, 0)), "invalid value -2");
        Reject(RawBytes.File(OneInputGraph(b => Tensor(b, "y", dims: [1L << 40, 1L << 40, 0]), 2, _ => { }, 0)), "overflows 64 bits");
        var emptySymbol = OneInputGraph(b => Tensor(b, "y", dims: [-1]).Str(""), 2, _ => { }, 0);
        Reject(RawBytes.File(emptySymbol), "symbolic with an empty name");
    }

    [Fact]
    public void ConstantDataChecks()
    {
        byte[] Const(long[] dims, ulong offset, ulong length, uint flags = HasShape | Constant) =>
            OneInputGraph(b => Tensor(b, "w", F32, flags, dims).U64(offset).U64(length), 2, _ => { }, 0);
        var weights = new byte[256];
        using (MoteFile.Read(RawBytes.File(Const([4], 64, 16), weights))) { }
        Reject(RawBytes.File(Const([4], 4, 16), weights), "data offset 4 is not 64-byte aligned");
        Reject(RawBytes.File(Const([4], 64, 12), weights), "has 12 bytes of data but f32[4] needs 16");
        Reject(RawBytes.File(Const([64], 192, 256), weights), "outside the 256-byte weights section");
        Reject(RawBytes.File(Const([4], 0xFFFF_FFFF_FFFF_FFC0, 16), weights), "outside the 256-byte weights section");
        Reject(RawBytes.File(Const([], 0, 4, Constant), weights), "must have a fixed shape");
        var symbolic = OneInputGraph(b => b.Str("w").U8(1).U8((int)(HasShape | Constant)).U32(1).I64(-1).Str("n").U64(0).U64(4), 2, _ => { }, 0);
        Reject(RawBytes.File(symbolic, weights), "must have a fixed shape (has [n])");
    }

    [Fact]
    public void QuantizationChecks()
    {
        byte[] Q(long[] dims, Action<RawBytes> quant) => OneInputGraph(b => quant(Tensor(b, "q", 3, HasShape | HasQuant, dims)), 2, _ => { }, 0);
        using (var ok = MoteFile.Read(RawBytes.File(Q([2, 3], b => b.U8(2).I32(1).U32(3).F32(1).F32(2).F32(3).I32(0).I32(1).I32(2)))))
            Assert.Equal(1, ok.Model.Tensor("q").Quant!.Axis);
        Reject(RawBytes.File(Q([2], b => b.U8(1).U32(2).F32(1).F32(1).I32(0).I32(0))), "has 2 quantization scales; per-tensor quantization has 1");
        Reject(RawBytes.File(Q([2, 3], b => b.U8(2).I32(2).U32(3))), "quantized along axis 2, outside its shape [2,3]");
        Reject(RawBytes.File(Q([2, 3], b => b.U8(2).I32(-1).U32(3))), "quantized along axis -1");
        Reject(RawBytes.File(Q([2, 3], b => b.U8(2).I32(0).U32(3).F32(1).F32(1).F32(1).I32(0).I32(0).I32(0))), "has 3 quantization scales; axis 0 has 2 slices");
        Reject(RawBytes.File(Q([2, 3], b => b.U8(3))), "unknown quantization kind 3");
        Reject(RawBytes.File(Q([2, 0], b => b.U8(2).I32(1).U32(0))), "has 0 quantization scales");
    }

    [Fact]
    public void DataFlowChecks()
    {
        // Index out of range.
        Reject(RawBytes.File(OneInputGraph(b => Tensor(b, "y", dims: 4), 2, b => Node(b, 142, [7], [1]), 1, output: 1)), "refers to tensor #7, but the table has 2 tensors");
        // Read before produced: y is read by the first node but produced by the second.
        Reject(RawBytes.File(OneInputGraph(b => { Tensor(b, "y", dims: 4); Tensor(b, "z", dims: 4); }, 3,
            b => { Node(b, 142, [1], [2]); Node(b, 142, [0], [1]); }, 2, output: 2)), "reads tensor 'y' before anything produces it");
        // Produced twice.
        Reject(RawBytes.File(OneInputGraph(b => Tensor(b, "y", dims: 4), 2,
            b => { Node(b, 142, [0], [1]); Node(b, 142, [0], [1]); }, 2, output: 1)), "output #0 'y' is already produced elsewhere");
        // A node output overwriting a graph input.
        Reject(RawBytes.File(OneInputGraph(_ => { }, 1, b => Node(b, 142, [0], [0]), 1)), "'x' is already produced");
        // Graph output nobody produces.
        Reject(RawBytes.File(OneInputGraph(b => Tensor(b, "y", dims: 4), 2, _ => { }, 0, output: 1)), "output 'y' of the main graph is not produced");
        // Omitted marker is not allowed as a graph input or output.
        Reject(RawBytes.File(OneInputGraph(_ => { }, 1, _ => { }, 0, output: uint.MaxValue)), "refers to tensor #4294967295");
    }

    [Fact]
    public void SubgraphScopes()
    {
        // x -> If(then: reads x, produces inner) -> y. The subgraph may read x but not y (the If's own output),
        // and nothing after the If may read 'inner'.
        byte[] Build(uint subgraphReads, uint laterReads)
        {
            var b = new RawBytes().U32(4);
            Tensor(b, "x", dims: 4);
            Tensor(b, "y", dims: 4);
            Tensor(b, "inner", dims: 4);
            Tensor(b, "z", dims: 4);
            b.Str("main").U32(1).U32(0).U32(1).U32(3).U32(2);
            Node(b, (int)OpType.If, [0], [1], a =>
            {
                a.Str("then_branch").U8(8).Str("then").U32(0).U32(1).U32(2).U32(1);
                Node(a, (int)OpType.Relu, [subgraphReads], [2]);
            }, 1);
            Node(b, (int)OpType.Relu, [laterReads], [3]);
            return b.ToArray();
        }
        using (MoteFile.Read(RawBytes.File(Build(0, 1)))) { }
        Reject(RawBytes.File(Build(1, 1)), "reads tensor 'y' before anything produces it");
        Reject(RawBytes.File(Build(0, 2)), "reads tensor 'inner' before anything produces it");
    }

    [Fact]
    public void AttributeChecks()
    {
        byte[] WithAttributes(int count, Action<RawBytes> attributes, Action<RawBytes>? extraTensor = null) =>
            OneInputGraph(b => { Tensor(b, "y", dims: 4); extraTensor?.Invoke(b); }, extraTensor is null ? 2 : 3,
                b => Node(b, 142, [0], [1], attributes, count), 1, output: 1);
        Reject(RawBytes.File(WithAttributes(1, a => a.Str("bad").U8(9).I64(0))), "unknown attribute type id 9");
        Reject(RawBytes.File(WithAttributes(2, a => a.Str("k").U8(1).I64(1).Str("k").U8(2).F32(1))), "two attributes named 'k'");
        Reject(RawBytes.File(WithAttributes(1, a => a.Str("").U8(1).I64(1))), "attribute with an empty name");
        Reject(RawBytes.File(WithAttributes(1, a => a.Str("t").U8(7).U32(0))), "references tensor 'x', which is not a constant");
        Reject(RawBytes.File(WithAttributes(1, a => a.Str("is").U8(4).U32(1_000_000).I64(1))), "ints attribute element count 1000000 cannot fit");
        Reject(RawBytes.File(WithAttributes(1, a => a.Str("ss").U8(6).U32(2).Str("a").U32(99).Str("b"))), "length 99 exceeds");
    }

    [Fact]
    public void NestingDepthIsBounded()
    {
        static byte[] Nested(int depth)
        {
            var b = new RawBytes().U32(0);
            void Graph(int level)
            {
                b.Str($"g{level}").U32(0).U32(0).U32(level < depth ? 1u : 0u);
                if (level < depth)
                {
                    b.U16((int)OpType.If).Str("").U32(0).U32(0).U32(1).Str("then_branch").U8(8);
                    Graph(level + 1);
                }
            }
            Graph(0);
            return b.ToArray();
        }
        using (MoteFile.Read(RawBytes.File(Nested(64)))) { }
        Reject(RawBytes.File(Nested(65)), "nested deeper than 64 levels");
        Reject(RawBytes.File(Nested(5000)), "nested deeper than 64 levels");
    }

    [Fact]
    public void TrailingBytesInAKnownMinorVersionAreCorruption()
    {
        var graph = OneInputGraph(_ => { }, 1, _ => { }, 0).Concat(new byte[] { 1, 2, 3 }).ToArray();
        Reject(RawBytes.File(graph), "3 unexpected bytes after the end of the main graph");
        var metadata = RawBytes.EmptyMetadata().Append((byte)0).ToArray();
        Reject(RawBytes.File([(1, OneInputGraph(_ => { }, 1, _ => { }, 0)), (2, []), (3, metadata)]), "1 unexpected bytes after the end of the metadata", "metadata");
    }

    [Fact]
    public void MetadataChecks()
    {
        var badSha = new RawBytes().Str("p").Str("v").U8(5).Raw(1, 2, 3, 4, 5).U32(0).U32(0).ToArray();
        Reject(RawBytes.File([(1, OneInputGraph(_ => { }, 1, _ => { }, 0)), (2, []), (3, badSha)]), "source SHA-256 length 5 is invalid", "metadata");
        var hugeOpsets = new RawBytes().Str("").Str("").U8(0).U32(uint.MaxValue).ToArray();
        Reject(RawBytes.File([(1, OneInputGraph(_ => { }, 1, _ => { }, 0)), (2, []), (3, hugeOpsets)]), "opset import count 4294967295 cannot fit", "metadata");
    }

    private static byte[] Valid() => RawBytes.File(OneInputGraph(_ => { }, 1, _ => { }, 0));

    private static void PatchEntry(byte[] file, int entry, int field, ulong value)
    {
        var at = file.AsSpan(40 + 32 * entry + field);
        if (field == 0)
            BinaryPrimitives.WriteUInt32LittleEndian(at, (uint)value);
        else
            BinaryPrimitives.WriteUInt64LittleEndian(at, value);
        RawBytes.FixHeaderChecksum(file);
    }

    [Fact]
    public void SectionTableChecks()
    {
        var f = Valid();
        PatchEntry(f, 0, 8, 16); // graph section over the header
        Reject(f, "outside the file's", "header");
        f = Valid();
        PatchEntry(f, 0, 16, ulong.MaxValue); // offset + length overflows
        Reject(f, "outside the file's", "header");
        f = Valid();
        PatchEntry(f, 2, 8, BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(40 + 8))); // metadata on top of graph
        Reject(f, "overlaps", "header");
        f = Valid();
        PatchEntry(f, 2, 0, 1); // two graph sections, no metadata
        Reject(f, "the file has 2 graph sections", "header");
        f = Valid();
        PatchEntry(f, 2, 0, 99); // metadata turned into an unknown (skipped) kind
        Reject(f, "the file has no metadata section", "header");
        f = RawBytes.File([(1, OneInputGraph(_ => { }, 1, _ => { }, 0)), (2, new byte[8]), (3, RawBytes.EmptyMetadata())], physicalOrder: [0, 2, 1]);
        PatchEntry(f, 1, 8, BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(40 + 32 + 8)) - 8);
        Reject(f, "not 64-byte aligned", "header", verify: false);
    }

    [Fact]
    public void HeaderFieldChecks()
    {
        var f = Valid();
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(28), 31);
        RawBytes.FixHeaderChecksum(f);
        Reject(f, "section entry size 31 is invalid", "header", verify: false);
        f = Valid();
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(24), 0x7FFF_FFFF);
        Reject(f, "section count 2147483647 does not fit", "header", verify: false);
    }

    [Fact]
    public void ChecksumMismatchNamesTheSection()
    {
        var good = ModelBuilder.Write(TestModels.FullFeature());
        using var file = MoteFile.Read(good);
        foreach (var s in file.Sections)
        {
            var bad = (byte[])good.Clone();
            bad[s.Offset + s.Length - 1] ^= 0x40;
            var e = Reject(bad, $"checksum mismatch in the {s.Name} section", s.Name);
            Assert.Equal(s.Offset, e.Offset);
        }
        var header = (byte[])good.Clone();
        header[40 + 8] ^= 1; // a section offset
        Reject(header, "header checksum mismatch", "header");
    }

    [Fact]
    public void ExceptionMessageNamesSectionAndOffset()
    {
        var e = Reject(RawBytes.File(OneInputGraph(b => Tensor(b, "y", dims: 4), 2, b => Node(b, 4711, [0], [1]), 1, output: 1)), "4711");
        Assert.Matches(@"^invalid \.mote file: operator id 4711 is unknown to this build \(section 'graph', byte offset \d+\)$", e.Message);
        var file = RawBytes.File(OneInputGraph(b => Tensor(b, "y", dims: 4), 2, b => Node(b, 4711, [0], [1]), 1, output: 1));
        Assert.Equal(4711, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan((int)e.Offset)));
    }
}
