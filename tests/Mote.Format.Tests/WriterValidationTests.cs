using Mote.Format.Tests.Helpers;

namespace Mote.Format.Tests;

/// <summary>The writer refuses invalid models with a message naming the culprit, and writes nothing.</summary>
public sealed class WriterValidationTests
{
    private static ModelDef Simple()
    {
        var m = new ModelDef();
        m.Value("x", DataType.Float32, Dim.Symbolic("n"), 4);
        m.Constant("w", DataType.Float32, [4], new[] { 1f, 2f, 3f, 4f });
        m.Value("y", DataType.Float32, Dim.Symbolic("n"), 4);
        m.Graph.Inputs.Add("x");
        m.Graph.Node(OpType.Mul, "mul", ["x", "w"], ["y"]);
        m.Graph.Outputs.Add("y");
        return m;
    }

    private static void Refuse(ModelDef m, params string[] messageParts)
    {
        using var ms = new MemoryStream();
        var e = Assert.ThrowsAny<ArgumentException>(() => MoteWriter.Write(m, ms));
        foreach (var part in messageParts)
            Assert.Contains(part, e.Message);
        Assert.Equal(0, ms.Length);
    }

    [Fact]
    public void SimpleModelIsValid() => Assert.NotEmpty(ModelBuilder.Write(Simple()));

    [Fact]
    public void MissingTensor()
    {
        var m = Simple();
        m.Graph.Nodes[0].Inputs[1] = "ghost";
        Refuse(m, "input #1 of node Mul 'mul'", "'ghost'", "missing from the model's tensor table");
    }

    [Fact]
    public void MissingGraphOutputTensor()
    {
        var m = Simple();
        m.Graph.Outputs.Add("nowhere");
        Refuse(m, "'nowhere'", "missing");
    }

    [Fact]
    public void ConstantDataLengthMismatch()
    {
        var m = Simple();
        m.Tensor("w").Data = new byte[12];
        Refuse(m, "constant 'w' has 12 bytes of data but f32[4] needs 16");
    }

    [Fact]
    public void ConstantWithSymbolicOrUnknownShape()
    {
        var m = Simple();
        m.Tensor("w").Shape = [Dim.Symbolic("k")];
        Refuse(m, "constant 'w' must have a fixed shape (has [k])");
        m.Tensor("w").Shape = null;
        Refuse(m, "constant 'w' must have a fixed shape (has ?)");
    }

    [Fact]
    public void DuplicateProducer()
    {
        var m = Simple();
        m.Graph.Node(OpType.Relu, "relu", ["x"], ["y"]);
        Refuse(m, "tensor 'y' has more than one producer", "node Relu 'relu'");
    }

    [Fact]
    public void ConstantCannotBeProducedOrBeAGraphInput()
    {
        var m = Simple();
        m.Graph.Node(OpType.Relu, "relu", ["x"], ["w"]);
        Refuse(m, "tensor 'w' is a constant and cannot also be produced by node Relu 'relu'");
        m = Simple();
        m.Graph.Inputs.Add("w");
        Refuse(m, "tensor 'w' is a constant");
    }

    [Fact]
    public void ReadBeforeProduced()
    {
        var m = Simple();
        m.Value("z", DataType.Float32, 4);
        m.Graph.Nodes.Insert(0, new NodeDef(OpType.Relu, "early", ["y"], ["z"]));
        Refuse(m, "node Relu 'early' input #0 reads tensor 'y' before anything produces it");
    }

    [Fact]
    public void SubgraphCannotReadItsOwnersOutputNorLeakItsTensors()
    {
        var m = Simple();
        m.Value("c", DataType.Bool);
        m.Value("inner", DataType.Float32, 4);
        m.Value("out", DataType.Float32, 4);
        m.Graph.Inputs.Add("c");
        var branch = new GraphDef { Name = "b" };
        branch.Node(OpType.Relu, "r", ["out"], ["inner"]);
        branch.Outputs.Add("inner");
        m.Graph.Node(OpType.If, "if", ["c"], ["out"], AttributeDef.FromGraph("then_branch", branch));
        Refuse(m, "node Relu 'r' input #0 reads tensor 'out'");

        branch.Nodes[0].Inputs[0] = "y";
        Assert.NotEmpty(ModelBuilder.Write(m));
        m.Value("after", DataType.Float32, 4);
        m.Graph.Node(OpType.Relu, "after", ["inner"], ["after"]);
        Refuse(m, "node Relu 'after' input #0 reads tensor 'inner'");
    }

    [Fact]
    public void UnknownOperatorAndDataType()
    {
        var m = Simple();
        m.Graph.Nodes[0].Op = (OpType)4711;
        Refuse(m, "operator id 4711");
        m = Simple();
        m.Tensor("x").Type = (DataType)8;
        Refuse(m, "tensor 'x' has unknown data type id 8");
    }

    [Fact]
    public void TableKeyMustMatchName()
    {
        var m = Simple();
        m.Tensors["x"] = new TensorDef("not_x", DataType.Float32, [4]);
        Refuse(m, "maps 'x' to a tensor named 'not_x'");
    }

    [Fact]
    public void QuantizationRules()
    {
        var m = Simple();
        m.Tensor("w").Quant = new QuantParams([1f, 1f, 1f], [0, 0, 0], axis: 0);
        Refuse(m, "tensor 'w' has 3 per-axis scales but dimension 0 of [4] is 4");
        m.Tensor("w").Quant = new QuantParams([1f], [0], axis: 1);
        Refuse(m, "per-axis quantization on axis 1, outside its shape [4]");
        m.Tensor("w").Quant = null;
        m.Tensor("x").Quant = new QuantParams([1f], [0], axis: 0);
        Refuse(m, "tensor 'x' has 1 per-axis scales but dimension 0 of [n,4] is n");
    }

    [Fact]
    public void AttributeRules()
    {
        var m = Simple();
        m.Graph.Nodes[0].Attributes.Add(AttributeDef.FromInt("a", 1));
        m.Graph.Nodes[0].Attributes.Add(AttributeDef.FromInt("a", 2));
        Refuse(m, "node Mul 'mul' has two attributes named 'a'");

        m = Simple();
        m.Graph.Nodes[0].Attributes.Add(AttributeDef.FromTensor("t", m.Tensor("x")));
        Refuse(m, "attribute 't' of node Mul 'mul' references tensor 'x', which is not a constant");

        m = Simple();
        m.Graph.Nodes[0].Attributes.Add(AttributeDef.FromTensor("t", new TensorDef("w", DataType.Float32, [4], new byte[16])));
        Refuse(m, "not the model's tensor of that name");

        m = Simple();
        m.Graph.Nodes[0].Attributes.Add(AttributeDef.FromString("s", "bad \ud800 surrogate"));
        Refuse(m, "not valid UTF-16");
    }

    [Fact]
    public void ShapeLimits()
    {
        var m = Simple();
        m.Tensor("x").Shape = Enumerable.Repeat((Dim)1, 65).ToArray();
        Refuse(m, "tensor 'x' has rank 65, above the limit of 64");
        m.Tensor("x").Shape = [1L << 40, 1L << 40];
        Refuse(m, "tensor 'x' has shape [1099511627776,1099511627776] whose byte size overflows");
    }

    [Fact]
    public void SubgraphNestingLimit()
    {
        var m = Simple();
        var inner = new GraphDef();
        for (int i = 0; i < 65; i++)
        {
            var outer = new GraphDef { Name = $"level{i}" };
            outer.Node(OpType.If, "", [], [], AttributeDef.FromGraph("then_branch", inner));
            inner = outer;
        }
        m.Graph.Node(OpType.If, "deep", [], [], AttributeDef.FromGraph("then_branch", inner));
        Refuse(m, "nested deeper than 64 levels");
    }

    [Fact]
    public void MetadataRules()
    {
        var m = Simple();
        m.Metadata.SourceSha256 = new byte[20];
        Refuse(m, "source SHA-256 must be empty or 32 bytes (got 20)");
    }

    [Fact]
    public void FailedWriteToPathLeavesNoFile()
    {
        using var dir = new TempDir();
        string path = dir.File("model.mote");
        var bad = Simple();
        bad.Tensor("w").Data = new byte[3];
        Assert.ThrowsAny<ArgumentException>(() => MoteWriter.Write(bad, path));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));

        MoteWriter.Write(Simple(), path);
        var before = File.ReadAllBytes(path);
        Assert.ThrowsAny<ArgumentException>(() => MoteWriter.Write(bad, path));
        Assert.Equal(before, File.ReadAllBytes(path)); // the old file is untouched
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void WriteToPathReplacesAnExistingFile()
    {
        using var dir = new TempDir();
        string path = dir.File("model.mote");
        File.WriteAllText(path, "old contents");
        MoteWriter.Write(Simple(), path);
        Assert.Equal(ModelBuilder.Write(Simple()), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void FailedRenameLeavesNoTemporaryFile()
    {
        using var dir = new TempDir();
        // A directory in the way of the rename: the temporary file is written, the move fails.
        string path = dir.File("blocked.mote");
        Directory.CreateDirectory(path);
        Assert.ThrowsAny<IOException>(() => MoteWriter.Write(Simple(), path));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path)); // only the blocking directory
    }
}
