using Mote.Format.Tests.Helpers;

namespace Mote.Format.Tests;

/// <summary>The worked example in docs/format.md ("Example") is exactly what the writer produces, and reads back.</summary>
public sealed class DocExampleTests
{
    // The 324 bytes shown in docs/format.md.
    private const string ExampleHex =
        "4D4F5445000D0A1A010000000000000044010000000000000300000020000000" +
        "74F2D8DFFBE9CD73010000000000000088000000000000009000000000000000" +
        "8852973FC039B61C020000000000000040010000000000000400000000000000" +
        "AEB3311347057BF8030000000000000018010000000000001400000000000000" +
        "45A60C4D1E75D563030000000100000078010101000000FFFFFFFFFFFFFFFF01" +
        "0000006E01000000620105010000000100000000000000000000000000000004" +
        "000000000000000100000079010101000000FFFFFFFFFFFFFFFF010000006E00" +
        "0000000100000000000000010000000200000001000000040003000000616464" +
        "02000000000000000100000001000000020000000000000003000000646F6300" +
        "0000000000000000000000000000000000000000000000000000000000000000" +
        "0000803F";

    private static ModelDef ExampleModel()
    {
        var m = new ModelDef();
        m.Value("x", DataType.Float32, Dim.Symbolic("n"));
        m.Constant("b", DataType.Float32, [1], new[] { 1f });
        m.Value("y", DataType.Float32, Dim.Symbolic("n"));
        m.Graph.Inputs.Add("x");
        m.Graph.Node(OpType.Add, "add", ["x", "b"], ["y"]);
        m.Graph.Outputs.Add("y");
        m.Metadata.Producer = "doc";
        return m;
    }

    [Fact]
    public void WriterProducesTheDocumentedBytes() => Assert.Equal(ExampleHex, Convert.ToHexString(ModelBuilder.Write(ExampleModel())));

    [Fact]
    public void DocumentedBytesRead()
    {
        using var file = MoteFile.Read(Convert.FromHexString(ExampleHex));
        ModelComparer.AssertEqual(ExampleModel(), file.Model);
        Assert.Equal(324, file.FileLength);
    }
}
