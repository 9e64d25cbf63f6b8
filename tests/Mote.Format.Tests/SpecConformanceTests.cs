using Mote.Format.Tests.Helpers;

namespace Mote.Format.Tests;

/// <summary>The writer's bytes match a file assembled by hand from docs/format.md.</summary>
public sealed class SpecConformanceTests
{
    [Fact]
    public void WriterMatchesHandAssembledFile()
    {
        var m = new ModelDef();
        m.Value("x", DataType.Float32, Dim.Symbolic("n"), 2);
        var w = m.Constant("w", DataType.Int8, [2], new sbyte[] { -1, 5 });
        w.Quant = new QuantParams([0.5f, 0.25f], [1, -2], axis: 0);
        m.Constant("b", DataType.Float32, [], new[] { 3f });
        m.Value("y", DataType.Float32, Dim.Symbolic("n"), 2);
        m.Value("zz", DataType.Float32, Dim.Symbolic("n"), 2);
        m.Value("z", DataType.Float32, Dim.Symbolic("n"), 2);
        m.Graph.Name = "g";
        m.Graph.Inputs.Add("x");
        var body = new GraphDef { Name = "sub" };
        body.Node(OpType.Neg, "neg", ["y"], ["zz"]);
        body.Outputs.Add("zz");
        m.Graph.Node(OpType.Add, "add", ["x", "", "w"], ["y"], AttributeDef.FromInt("k", -3), AttributeDef.FromStrings("s", ["é"]));
        m.Graph.Node(OpType.If, "", ["b"], ["", "z"], AttributeDef.FromGraph("then_branch", body), AttributeDef.FromTensor("t", m.Tensor("b")));
        m.Graph.Outputs.Add("z");
        m.Metadata.Producer = "p";
        m.Metadata.ProducerVersion = "v";
        m.Metadata.Opsets.Add(new("", 7));
        m.Metadata.Properties.Add(new("k", "v"));

        // Index order: graph inputs, then per node inputs, attributes (depth-first) and outputs, then graph outputs.
        // x=0, w=1, y=2, b=3, zz=4 (inside the subgraph), z=5.
        var graph = new RawBytes().U32(6)
            .Str("x").U8(1).U8(1).U32(2).I64(-1).Str("n").I64(2)
            .Str("w").U8(3).U8(1 | 2 | 4).U32(1).I64(2).U8(2).I32(0).U32(2).F32(0.5f).F32(0.25f).I32(1).I32(-2).U64(0).U64(2)
            .Str("y").U8(1).U8(1).U32(2).I64(-1).Str("n").I64(2)
            .Str("b").U8(1).U8(1 | 4).U32(0).U64(64).U64(4)
            .Str("zz").U8(1).U8(1).U32(2).I64(-1).Str("n").I64(2)
            .Str("z").U8(1).U8(1).U32(2).I64(-1).Str("n").I64(2)
            .Str("g").U32(1).U32(0).U32(1).U32(5).U32(2)
            .U16((int)OpType.Add).Str("add").U32(3).U32(0).U32(uint.MaxValue).U32(1).U32(1).U32(2)
                .U32(2).Str("k").U8(1).I64(-3).Str("s").U8(6).U32(1).Str("é")
            .U16((int)OpType.If).Str("").U32(1).U32(3).U32(2).U32(uint.MaxValue).U32(5)
                .U32(2).Str("then_branch").U8(8)
                    .Str("sub").U32(0).U32(1).U32(4).U32(1).U16((int)OpType.Neg).Str("neg").U32(1).U32(2).U32(1).U32(4).U32(0)
                .Str("t").U8(7).U32(3)
            .ToArray();
        var weights = new byte[68];
        weights[0] = 0xFF;
        weights[1] = 5;
        BitConverter.GetBytes(3f).CopyTo(weights, 64);
        var metadata = new RawBytes().Str("p").Str("v").U8(0).U32(1).Str("").I64(7).U32(1).Str("k").Str("v").ToArray();
        var expected = RawBytes.File([(1, graph), (2, weights), (3, metadata)], physicalOrder: [0, 2, 1]);

        Assert.Equal(expected, ModelBuilder.Write(m));
    }
}
