using Mote.Convert.Tests.Support;
using Mote.Format;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>If/Loop/Scan bodies are imported recursively into the model's single namespace.</summary>
public sealed class SubgraphTests
{
    [Fact]
    public void IfBranchesAreImportedAndShadowedNamesRenamed()
    {
        // Both branches define "t", which the outer graph defines too (ONNX forbids it; we must cope).
        var then = Graph("then", [Node("Relu", ["t"], ["t"], "then_relu")], [], [Value("t", F32, 2)]);
        var els = Graph("else", [Node("Neg", ["x"], ["t"], "else_neg")], [], [Value("t", F32, 2)]);
        var model = Model(Graph("g",
        [
            Node("Abs", ["x"], ["t"], "outer_abs"),
            Node("If", ["cond"], ["r"], "if", Attr("then_branch", then), Attr("else_branch", els)),
            Node("Add", ["r", "t"], ["y"], "add"),
        ], [Value("cond", Bool), Value("x", F32, 2)], [Value("y", F32, 2)]));
        var r = Importer.Import(model);
        var m = r.Model;
        Assert.Empty(ModelCheck.Problems(m));
        var ifNode = Tensors.Single(m, OpType.If);
        var thenG = ifNode.Attribute("then_branch")!.Graph!;
        var elseG = ifNode.Attribute("else_branch")!.Graph!;
        var relu = Assert.Single(thenG.Nodes);
        var neg = Assert.Single(elseG.Nodes);
        // The then-branch Relu reads the outer "t" (defined before it) and writes a renamed local.
        Assert.Equal("t", relu.Inputs[0]);
        Assert.NotEqual("t", relu.Outputs[0]);
        Assert.NotEqual("t", neg.Outputs[0]);
        Assert.NotEqual(relu.Outputs[0], neg.Outputs[0]);
        Assert.Equal([relu.Outputs[0]], thenG.Outputs);
        Assert.Equal([neg.Outputs[0]], elseG.Outputs);
        // The outer Add still reads the outer "t".
        Assert.Equal(["r", "t"], Tensors.Single(m, OpType.Add).Inputs);
        Assert.Equal(2, r.Report.CountOf("subgraph tensors renamed (shadowing an outer name)"));
        Assert.True(m.Tensors.ContainsKey(relu.Outputs[0]));
    }

    [Fact]
    public void LoopBodyInputsAreLocalAndOuterReadsResolve()
    {
        var body = Graph("body",
        [
            Node("Add", ["acc", "w"], ["acc_out"], "body_add"),
            Node("Identity", ["cond_in"], ["cond_out"], "body_cond"),
        ],
        [Value("i", I64), Value("cond_in", Bool), Value("acc", F32, 2)],
        [Value("cond_out", Bool), Value("acc_out", F32, 2)]);
        var model = Model(Graph("g",
            [Node("Loop", ["n", "", "x"], ["y"], "loop", Attr("body", body))],
            [Value("n", I64), Value("x", F32, 2)], [Value("y", F32, 2)], FloatTensor("w", [2], 1f, 2f)));
        var m = Importer.Model(model);
        Assert.Empty(ModelCheck.Problems(m));
        var loop = Tensors.Single(m, OpType.Loop);
        Assert.Equal(["n", "", "x"], loop.Inputs);
        var g = loop.Attribute("body")!.Graph!;
        Assert.Equal(["i", "cond_in", "acc"], g.Inputs);
        Assert.Equal(["acc", "w"], g.Nodes[0].Inputs);
        Assert.Equal(DataType.Bool, m.Tensor("cond_in").Type);
    }

    [Fact]
    public void NestedSubgraphsBeyondTheLimitAreRejected()
    {
        var inner = Graph("leaf", [Node("Neg", ["x"], ["z"])], [], [Value("z", F32, 1)]);
        for (int d = 0; d < 5; d++)
            inner = Graph($"lvl{d}", [Node("If", ["cond"], [$"o{d}"], "", Attr("then_branch", inner), Attr("else_branch", inner))], [], [Value($"o{d}", F32, 1)]);
        var model = Model(Graph("g", inner.Node, [Value("cond", Bool), Value("x", F32, 1)], [Value("o4", F32, 1)]));
        Assert.Empty(ModelCheck.Problems(Importer.Model(model)));
        var e = Importer.Fails(model, new ConvertOptions { Limits = new ImportLimits { MaxSubgraphDepth = 3 } });
        Assert.Contains("nested more than 3 deep", e.Message);
    }
}
