using Mote.Convert.Tests.Support;
using Mote.Format;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>Unsupported operators are all reported at once, with the nodes using them.</summary>
public sealed class UnsupportedOperatorTests
{
    [Fact]
    public void OneMessageListsEveryOperatorAndNode()
    {
        var conv = Node("FusedConv", ["x"], ["c"], "conv3");
        conv.Domain = "com.microsoft";
        var nodes = new[]
        {
            Node("NonMaxSuppression", ["x", "x"], ["n1"], "nms_1"),
            conv,
            Node("Relu", ["x"], ["r"], "relu"),
            Node("NonMaxSuppression", ["x", "x"], ["n2"], "nms_2"),
            Node("NoSuchOp", ["x"], ["z"], ""),
            Node("Sum", ["n1", "n2", "c", "r", "z"], ["y"], "sum"),
        };
        var options = new ConvertOptions { IsSupported = op => op is OpType.Relu or OpType.Sum };
        var e = Importer.Fails(Model(Graph("g", nodes, [Value("x", F32, 2)], [Value("y", F32, 2)])), options);
        Assert.Equal("model.onnx: unsupported operators: com.microsoft.FusedConv (1 node: conv3); NoSuchOp (1 node: <unnamed -> z>); NonMaxSuppression (2 nodes: nms_1, nms_2)", e.Message);
        Assert.Equal(3, e.UnsupportedOperators.Count);
        Assert.Equal(["nms_1", "nms_2"], e.UnsupportedOperators.Single(p => p.Key == "NonMaxSuppression").Value);
    }

    [Fact]
    public void SubgraphNodesAreChecked()
    {
        var then = Graph("then", [Node("TopK", ["x", "k"], ["v", "i"], "inner_topk")], [], [Value("v", F32, 1)]);
        var els = Graph("else", [Node("Relu", ["x"], ["w"], "inner_relu")], [], [Value("w", F32, 1)]);
        var model = Model(Graph("g", [Node("If", ["cond"], ["y"], "if", Attr("then_branch", then), Attr("else_branch", els))],
            [Value("cond", Bool), Value("x", F32, 2)], [Value("y", F32, 1)], Int64Tensor("k", [1], 1)));
        var e = Importer.Fails(model, new ConvertOptions { IsSupported = op => op is OpType.If or OpType.Relu });
        Assert.EndsWith("unsupported operators: TopK (1 node: inner_topk)", e.Message);
    }

    [Fact]
    public void RewrittenOperatorsAreCheckedInTheirNewForm()
    {
        // Upsample becomes Resize on import: a runtime that has Resize accepts it.
        var model = Model(Graph("g", [Node("Upsample", ["x"], ["y"], "up", Floats("scales", 1, 1, 2, 2))],
            [Value("x", F32, 1, 1, 2, 2)], [Value("y", F32, 1, 1, 4, 4)]), opset: 7);
        var m = Importer.Model(model, new ConvertOptions { IsSupported = op => op == OpType.Resize });
        Assert.Equal(OpType.Resize, Assert.Single(m.Graph.Nodes).Op);
    }
}
