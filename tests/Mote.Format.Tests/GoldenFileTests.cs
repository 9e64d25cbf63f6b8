using System.Buffers.Binary;
using Mote.Format.Tests.Helpers;

namespace Mote.Format.Tests;

/// <summary>Runs only when MOTE_REGENERATE_GOLDEN=1 (it rewrites a committed file).</summary>
public sealed class GoldenRegenerationFactAttribute : FactAttribute
{
    public GoldenRegenerationFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MOTE_REGENERATE_GOLDEN") != "1")
            Skip = "set MOTE_REGENERATE_GOLDEN=1 to regenerate Data/golden-v1.mote";
    }
}

/// <summary>
/// A committed v1.0 file that every later build must keep reading. The assertions below are literal values,
/// not a comparison with the generator, so a reader change that misreads the file cannot go unnoticed.
/// Do not regenerate the file unless the format itself (not the code) changed: its point is to be old.
/// </summary>
public sealed class GoldenFileTests
{
    private const string FileName = "golden-v1.mote";

    [GoldenRegenerationFact]
    public void RegenerateGoldenFile()
    {
        Directory.CreateDirectory(RepoPaths.SourceDataDir);
        MoteWriter.Write(GoldenModel(), Path.Combine(RepoPaths.SourceDataDir, FileName));
    }

    private static ModelDef GoldenModel()
    {
        var m = new ModelDef();
        var g = m.Graph;
        g.Name = "golden";
        Dim batch = Dim.Symbolic("batch");
        m.Value("input", DataType.Float32, batch, 3, 8, 8);
        m.Value("flag", DataType.Bool);
        g.Inputs.AddRange(["input", "flag"]);

        m.Constant("conv.w", DataType.Int8, [4, 3, 3, 3], Enumerable.Range(0, 108).Select(i => (sbyte)(i * 7 % 255 - 127)).ToArray())
            .Quant = new QuantParams([0.01f, 0.02f, 0.03f, 0.04f], [0, 0, 0, 0], axis: 0);
        m.Constant("conv.scale", DataType.Float32, [4], new[] { 0.01f, 0.02f, 0.03f, 0.04f });
        m.Constant("conv.b", DataType.Float32, [4], new[] { 0.5f, -0.25f, 1f, 2f });
        m.Value("conv.wf", DataType.Float32, 4, 3, 3, 3);
        m.Value("conv.out", DataType.Float32, batch, 4, 8, 8);
        m.Value("relu.out", DataType.Float32, batch, 4, 8, 8).Quant = new QuantParams([0.05f], [-3]);
        g.Node(OpType.DequantizeLinear, "dequant", ["conv.w", "conv.scale"], ["conv.wf"], AttributeDef.FromInt("axis", 0));
        g.Node(OpType.Conv, "conv", ["input", "conv.wf", "conv.b"], ["conv.out"],
            AttributeDef.FromInts("kernel_shape", [3, 3]), AttributeDef.FromInts("pads", [1, 1, 1, 1]),
            AttributeDef.FromInt("group", 1), AttributeDef.FromString("auto_pad", "NOTSET"));
        g.Node(OpType.Relu, "relu", ["conv.out"], ["relu.out"]);

        m.Constant("scale", DataType.Float32, [], new[] { 2f });
        m.Value("then.out", DataType.Float32, batch, 4, 8, 8);
        m.Value("else.out", DataType.Float32, batch, 4, 8, 8);
        m.Value("if.out", DataType.Float32, batch, 4, 8, 8);
        var thenG = new GraphDef { Name = "then" };
        thenG.Node(OpType.Mul, "double", ["relu.out", "scale"], ["then.out"]);
        thenG.Outputs.Add("then.out");
        var elseG = new GraphDef { Name = "else" };
        elseG.Node(OpType.Identity, "keep", ["relu.out"], ["else.out"]);
        elseG.Outputs.Add("else.out");
        g.Node(OpType.If, "branch", ["flag"], ["if.out"], AttributeDef.FromGraph("then_branch", thenG), AttributeDef.FromGraph("else_branch", elseG));

        m.Constant("sizes", DataType.Int64, [4], new[] { 1L, 4, 16, 16 });
        m.Value("resized", DataType.Float32, batch, 4, 16, 16);
        g.Node(OpType.Resize, "upsample", ["if.out", "", "", "sizes"], ["resized"],
            AttributeDef.FromString("mode", "nearest"), AttributeDef.FromFloat("cubic_coeff_a", -0.75f),
            AttributeDef.FromFloats("extrapolation", [0f, -1.5f]), AttributeDef.FromStrings("tags", ["a", "β"]));

        m.Constant("table", DataType.Float16, [2, 2], new[] { ModelBuilder.F16(1f), ModelBuilder.F16(0.5f), ModelBuilder.F16(-2f), ModelBuilder.F16(65504f) });
        m.Constant("mask", DataType.Bool, [3], new byte[] { 1, 0, 1 });
        m.Constant("bf", DataType.BFloat16, [2], new[] { ModelBuilder.BF16(1f), ModelBuilder.BF16(-3f) });
        m.Value("k", DataType.Float16, 2, 2);
        g.Node(OpType.Constant, "const", [], ["k"], AttributeDef.FromTensor("value", m.Tensor("table")));
        m.Value("masked", DataType.Float16, 2, 2);
        g.Node(OpType.Where, "where", ["mask", "k", "bf"], ["masked"]);

        m.Constant("steps", DataType.Int64, [], new[] { 2L });
        m.Value("iter", DataType.Int64);
        m.Value("cond.in", DataType.Bool);
        m.Value("acc.in", DataType.Float32, batch, 4, 16, 16);
        m.Value("cond.out", DataType.Bool);
        m.Value("acc.out", DataType.Float32, batch, 4, 16, 16);
        m.Value("loop.out", DataType.Float32, batch, 4, 16, 16);
        var body = new GraphDef { Name = "body" };
        body.Inputs.AddRange(["iter", "cond.in", "acc.in"]);
        body.Node(OpType.Identity, "cond", ["cond.in"], ["cond.out"]);
        body.Node(OpType.Add, "accumulate", ["acc.in", "resized"], ["acc.out"]);
        body.Outputs.AddRange(["cond.out", "acc.out"]);
        g.Node(OpType.Loop, "loop", ["steps", "", "resized"], ["loop.out"], AttributeDef.FromGraph("body", body));
        g.Outputs.AddRange(["loop.out", "masked"]);

        m.Metadata.Producer = "mote-golden";
        m.Metadata.ProducerVersion = "1.0.0";
        m.Metadata.SourceSha256 = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        m.Metadata.Opsets.Add(new OpsetImport("", 21));
        m.Metadata.Opsets.Add(new OpsetImport("ai.onnx.ml", 3));
        m.Metadata.Properties.Add(new("source", "GoldenFileTests"));
        m.Metadata.Properties.Add(new("labels", "a,b,c,d"));
        return m;
    }

    private static string GoldenPath => Path.Combine(RepoPaths.OutputDataDir, FileName);

    [Fact]
    public void GoldenFileIsSmallAndVersion1_0()
    {
        var bytes = File.ReadAllBytes(GoldenPath);
        Assert.InRange(bytes.Length, 1000, 8192);
        using var file = MoteFile.Open(GoldenPath);
        Assert.Equal((1, 0), (file.MajorVersion, file.MinorVersion));
        Assert.Equal(bytes.Length, file.FileLength);
    }

    [Fact]
    public void GoldenFileContents()
    {
        using var file = MoteFile.Open(GoldenPath);
        var m = file.Model;
        Assert.Equal(26, m.Tensors.Count);
        Assert.Equal("golden", m.Graph.Name);
        Assert.Equal(["input", "flag"], m.Graph.Inputs);
        Assert.Equal(["loop.out", "masked"], m.Graph.Outputs);
        Assert.Equal([OpType.DequantizeLinear, OpType.Conv, OpType.Relu, OpType.If, OpType.Resize, OpType.Constant, OpType.Where, OpType.Loop], m.Graph.Nodes.Select(n => n.Op));

        var input = m.Tensor("input");
        Assert.Equal(DataType.Float32, input.Type);
        Assert.Equal([Dim.Symbolic("batch"), 3, 8, 8], input.Shape!);
        Assert.Equal([], m.Tensor("flag").Shape!);

        var w = m.Tensor("conv.w");
        Assert.Equal(DataType.Int8, w.Type);
        Assert.Equal([(Dim)4, 3, 3, 3], w.Shape!);
        var wBytes = w.Data!.Value.Span;
        Assert.Equal(108, wBytes.Length);
        Assert.Equal([-127, -120, -113], new[] { (sbyte)wBytes[0], (sbyte)wBytes[1], (sbyte)wBytes[2] });
        Assert.Equal(112, (sbyte)wBytes[107]); // 107*7 % 255 - 127 = 239 - 127
        Assert.Equal(0, w.Quant!.Axis);
        Assert.Equal([0.01f, 0.02f, 0.03f, 0.04f], w.Quant.Scales);
        Assert.Equal([0, 0, 0, 0], w.Quant.ZeroPoints);
        var relu = m.Tensor("relu.out").Quant!;
        Assert.Null(relu.Axis);
        Assert.Equal([0.05f], relu.Scales);
        Assert.Equal([-3], relu.ZeroPoints);

        var b = m.Tensor("conv.b").Data!.Value;
        Assert.Equal([0.5f, -0.25f, 1f, 2f], Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(b.Span[(4 * i)..])));
        var table = m.Tensor("table").Data!.Value;
        Assert.Equal(new ushort[] { 0x3C00, 0x3800, 0xC000, 0x7BFF }, Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadUInt16LittleEndian(table.Span[(2 * i)..])));
        Assert.Equal(new byte[] { 1, 0, 1 }, m.Tensor("mask").Data!.Value.ToArray());
        Assert.Equal(new byte[] { 0x80, 0x3F, 0x40, 0xC0 }, m.Tensor("bf").Data!.Value.ToArray());
        Assert.Equal(2L, BinaryPrimitives.ReadInt64LittleEndian(m.Tensor("steps").Data!.Value.Span));
        Assert.Equal([1L, 4, 16, 16], Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadInt64LittleEndian(m.Tensor("sizes").Data!.Value.Span[(8 * i)..])));

        var conv = m.Graph.Nodes[1];
        Assert.Equal("conv", conv.Name);
        Assert.Equal(["input", "conv.wf", "conv.b"], conv.Inputs);
        Assert.Equal([3L, 3], conv.Attribute("kernel_shape")!.Ints!);
        Assert.Equal([1L, 1, 1, 1], conv.Attribute("pads")!.Ints!);
        Assert.Equal(1, conv.Attribute("group")!.Int);
        Assert.Equal("NOTSET", conv.Attribute("auto_pad")!.String);

        var resize = m.Graph.Nodes[4];
        Assert.Equal(["if.out", "", "", "sizes"], resize.Inputs);
        Assert.Equal("nearest", resize.Attribute("mode")!.String);
        Assert.Equal(-0.75f, resize.Attribute("cubic_coeff_a")!.Float);
        Assert.Equal([0f, -1.5f], resize.Attribute("extrapolation")!.Floats!);
        Assert.Equal(["a", "β"], resize.Attribute("tags")!.Strings!);

        var constant = m.Graph.Nodes[5].Attribute("value")!;
        Assert.Equal(AttributeType.Tensor, constant.Type);
        Assert.Same(m.Tensor("table"), constant.Tensor);

        var branch = m.Graph.Nodes[3];
        var then = branch.Attribute("then_branch")!.Graph!;
        Assert.Equal("then", then.Name);
        Assert.Equal(["relu.out", "scale"], then.Nodes.Single().Inputs);
        Assert.Equal(["then.out"], then.Outputs);
        Assert.Equal(OpType.Identity, branch.Attribute("else_branch")!.Graph!.Nodes.Single().Op);

        var loop = m.Graph.Nodes[7];
        Assert.Equal(["steps", "", "resized"], loop.Inputs);
        var body = loop.Attribute("body")!.Graph!;
        Assert.Equal(["iter", "cond.in", "acc.in"], body.Inputs);
        Assert.Equal(["acc.in", "resized"], body.Nodes[1].Inputs);

        var md = m.Metadata;
        Assert.Equal("mote-golden", md.Producer);
        Assert.Equal("1.0.0", md.ProducerVersion);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i), md.SourceSha256);
        Assert.Equal([new OpsetImport("", 21), new OpsetImport("ai.onnx.ml", 3)], md.Opsets);
        Assert.Equal([new("source", "GoldenFileTests"), new KeyValuePair<string, string>("labels", "a,b,c,d")], md.Properties);
    }

    [Fact]
    public unsafe void GoldenConstantsAreAlignedInTheFile()
    {
        var bytes = File.ReadAllBytes(GoldenPath);
        using var file = MoteFile.Read(bytes);
        foreach (var t in file.Model.Tensors.Values.Where(t => t.IsConstant))
        {
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(t.Data!.Value, out var seg));
            Assert.Equal(0, seg.Offset % 64);
        }
    }

    /// <summary>
    /// The current writer still produces the golden bytes from the golden model. If the writer's output changes
    /// on purpose (within format 1.x), update this test, not the golden file: the file must keep loading as is.
    /// </summary>
    [Fact]
    public void WriterStillProducesTheGoldenBytes()
    {
        Assert.Equal(File.ReadAllBytes(GoldenPath), ModelBuilder.Write(GoldenModel()));
        using var file = MoteFile.Open(GoldenPath);
        ModelComparer.AssertEqual(GoldenModel(), file.Model);
    }
}
