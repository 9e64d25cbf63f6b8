using Mote.Convert.Onnx;
using Mote.Convert.Passes;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Runtime;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>ConstantFolding in the main graph and inside If branches (nested), the model still computing the same.</summary>
public sealed class ConstantFoldingTests
{
    /// <summary>
    /// y = If(cond) { If(cond) { x + w[1:3] } else { −x } } else { x · (w[0:2] ⊕ …) }: the inner then-branch
    /// slices an outer constant, as Silero VAD's exporter reorders its LSTM weights inside the branch.
    /// </summary>
    private static ModelProto NestedIfModel()
    {
        var innerThen = Graph("inner_then",
            [Node("Slice", ["w", "s1", "s3"], ["ws"], "slice_w"), Node("Add", ["x", "ws"], ["t"], "add")],
            [], [Value("t", F32, 2)]);
        var innerElse = Graph("inner_else", [Node("Neg", ["x"], ["n"], "neg")], [], [Value("n", F32, 2)]);
        var outerThen = Graph("outer_then",
            [Node("If", ["cond"], ["r"], "inner_if", Attr("then_branch", innerThen), Attr("else_branch", innerElse))],
            [], [Value("r", F32, 2)]);
        var outerElse = Graph("outer_else",
            [Node("Slice", ["w", "s0", "s2"], ["w2"], "slice_w2"), Node("Mul", ["x", "w2"], ["m"], "mul")],
            [], [Value("m", F32, 2)]);
        return Model(Graph("g",
            [
                Node("Neg", ["s1"], ["neg_s1"], "main_neg"),
                Node("If", ["cond"], ["y"], "outer_if", Attr("then_branch", outerThen), Attr("else_branch", outerElse)),
            ],
            [Value("cond", Bool), Value("x", F32, 2)], [Value("y", F32, 2), Value("neg_s1", I64, 1)],
            FloatTensor("w", [4], 1f, 2f, 3f, 4f), Int64Tensor("s0", [1], 0), Int64Tensor("s1", [1], 1),
            Int64Tensor("s2", [1], 2), Int64Tensor("s3", [1], 3)));
    }

    [Fact]
    public void NodesReadingOnlyConstantsFoldInsideNestedSubgraphs()
    {
        var m = Importer.Model(NestedIfModel());
        var before = Run(m);
        Assert.Equal([12f, 23f, 10f, 40f], before);
        var report = new PassReport("ConstantFolding");
        new ConstantFolding().Run(m, report);
        Assert.Empty(ModelCheck.Problems(m));
        Assert.Equal(3, report.CountOf("nodes folded"));

        var outerIf = Tensors.Single(m, OpType.If);
        var outerThen = outerIf.Attribute("then_branch")!.Graph!;
        var innerThen = outerThen.Nodes.Single().Attribute("then_branch")!.Graph!;
        var add = Assert.Single(innerThen.Nodes);
        Assert.Equal(OpType.Add, add.Op);
        Assert.Equal([2f, 3f], Tensors.Floats(m.Tensor(add.Inputs[1])));
        var mul = Assert.Single(outerIf.Attribute("else_branch")!.Graph!.Nodes);
        Assert.Equal([1f, 2f], Tensors.Floats(m.Tensor(mul.Inputs[1])));
        // Nodes reading a subgraph's own values stay.
        Assert.Equal(OpType.Neg, Assert.Single(outerThen.Nodes.Single().Attribute("else_branch")!.Graph!.Nodes).Op);

        Assert.Equal(before, Run(m));
    }

    /// <summary>y for both conditions on x = [10, 20].</summary>
    private static float[] Run(ModelDef m)
    {
        using var model = MoteModel.FromDefinition(m);
        using var session = model.CreateSession();
        var x = Tensor.FromArray(new[] { 10f, 20f }, 2);
        return [.. new[] { true, false }.SelectMany(c => session.Run(new NamedTensor("cond", Tensor.Scalar(c)), new NamedTensor("x", x))["y"].ToArray<float>())];
    }
}
