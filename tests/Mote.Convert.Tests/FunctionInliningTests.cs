using Mote.Convert.Onnx;
using Mote.Convert.Tests.Support;
using Mote.Format;
using static Mote.Convert.Tests.Support.Onnx;
using Kind = Mote.Convert.Onnx.AttributeProto.Types.AttributeType;

namespace Mote.Convert.Tests;

/// <summary>Model-local functions (newer PyTorch exporters) are inlined at their call sites.</summary>
public sealed class FunctionInliningTests
{
    /// <summary>pkg.LeakyBlock(X) = LeakyRelu(Mul(X, X), alpha = @alpha) with an internal tensor named like an outer one.</summary>
    private static FunctionProto LeakyBlock() => Function("pkg", "LeakyBlock", ["X"], ["Y"],
    [
        Node("Mul", ["X", "X"], ["sq"], "mul"),
        Node("LeakyRelu", ["sq"], ["Y"], "leaky", Ref("alpha", "alpha", Kind.Float)),
    ], defaults: [Attr("alpha", 0.25f)]);

    private static NodeProto Call(string name, string input, string output, params AttributeProto[] attributes)
    {
        var n = Node("LeakyBlock", [input], [output], name, attributes);
        n.Domain = "pkg";
        return n;
    }

    [Fact]
    public void CallsAreInlinedWithFreshNamesAndAttributeValues()
    {
        var model = Model(Graph("g",
        [
            Call("block1", "x", "a", Attr("alpha", 0.5f)),
            Call("block2", "a", "y"),
            Node("Neg", ["x"], ["sq"], "outer_sq"),
        ], [Value("x", F32, 4)], [Value("y", F32, 4), Value("sq", F32, 4)]), 18, LeakyBlock());
        var r = Importer.Import(model);
        var m = r.Model;
        Assert.Empty(ModelCheck.Problems(m));
        Assert.Equal(2, r.Report.CountOf("function calls inlined"));
        Assert.Equal([OpType.Mul, OpType.LeakyRelu, OpType.Mul, OpType.LeakyRelu, OpType.Neg], m.Graph.Nodes.Select(n => n.Op));
        var (mul1, leaky1, mul2, leaky2) = (m.Graph.Nodes[0], m.Graph.Nodes[1], m.Graph.Nodes[2], m.Graph.Nodes[3]);
        Assert.Equal(["x", "x"], mul1.Inputs);
        Assert.Equal(["a"], leaky1.Outputs);
        Assert.Equal(["a", "a"], mul2.Inputs);
        Assert.Equal(["y"], leaky2.Outputs);
        // Internal "sq" tensors are fresh per call and do not clash with the outer "sq".
        Assert.NotEqual("sq", mul1.Outputs[0]);
        Assert.NotEqual(mul1.Outputs[0], mul2.Outputs[0]);
        Assert.Equal(["x"], m.Graph.Nodes[4].Inputs);
        Assert.Equal(0.5f, leaky1.Attribute("alpha")!.Float);
        Assert.Equal(0.25f, leaky2.Attribute("alpha")!.Float); // the function's default
        Assert.Equal("block1/leaky", leaky1.Name);
    }

    [Fact]
    public void MissingAttributeWithoutDefaultIsOmitted()
    {
        var f = Function("pkg", "F", ["X"], ["Y"], [Node("LeakyRelu", ["X"], ["Y"], "", Ref("alpha", "a", Kind.Float))], attributes: ["a"]);
        var call = Node("F", ["x"], ["y"]);
        call.Domain = "pkg";
        var m = Importer.Model(Model(Graph("g", [call], [Value("x", F32, 1)], [Value("y", F32, 1)]), 18, f));
        Assert.Null(Tensors.Single(m, OpType.LeakyRelu).Attribute("alpha"));
    }

    [Fact]
    public void NestedFunctionsForwardAttributesAndPassThroughOutputs()
    {
        var inner = Function("pkg", "Inner", ["A"], ["B"], [Node("Elu", ["A"], ["B"], "elu", Ref("alpha", "k", Kind.Float))], attributes: ["k"]);
        var innerCall = Node("Inner", ["P"], ["Q"], "innercall", Ref("k", "outer_k", Kind.Float));
        innerCall.Domain = "pkg";
        // Outer returns its input unchanged as second output: needs an Identity.
        var outer = Function("pkg", "Outer", ["P"], ["Q", "P"], [innerCall], attributes: ["outer_k"]);
        var call = Node("Outer", ["x"], ["y", "z"], "top", Attr("outer_k", 3f));
        call.Domain = "pkg";
        var m = Importer.Model(Model(Graph("g", [call], [Value("x", F32, 1)], [Value("y", F32, 1), Value("z", F32, 1)]), 18, inner, outer));
        Assert.Empty(ModelCheck.Problems(m));
        var elu = Tensors.Single(m, OpType.Elu);
        Assert.Equal(3f, elu.Attribute("alpha")!.Float);
        Assert.Equal(["x"], elu.Inputs);
        Assert.Equal(["y"], elu.Outputs);
        var id = Tensors.Single(m, OpType.Identity);
        Assert.Equal(["x"], id.Inputs);
        Assert.Equal(["z"], id.Outputs);
    }

    [Fact]
    public void FunctionBodyOpsetDrivesRewrites()
    {
        // The body is opset 11 (Squeeze axes attribute) while the model is opset 18.
        var f = Function("pkg", "Sq", ["X"], ["Y"], [Node("Squeeze", ["X"], ["Y"], "", Ints("axes", 0))], opset: 11);
        var call = Node("Sq", ["x"], ["y"]);
        call.Domain = "pkg";
        var m = Importer.Model(Model(Graph("g", [call], [Value("x", F32, 1, 3)], [Value("y", F32, 3)]), 18, f));
        var sq = Tensors.Single(m, OpType.Squeeze);
        Assert.Null(sq.Attribute("axes"));
        Assert.Equal([0L], Tensors.Longs(m.Tensor(sq.Inputs[1])));
    }

    [Fact]
    public void RecursionAndBombsAreRejected()
    {
        var selfCall = Node("Rec", ["X"], ["Y"]);
        selfCall.Domain = "pkg";
        var rec = Function("pkg", "Rec", ["X"], ["Y"], [selfCall]);
        var call = Node("Rec", ["x"], ["y"]);
        call.Domain = "pkg";
        Assert.Contains("calls itself recursively", Importer.Fails(Model(Graph("g", [call], [Value("x", F32, 1)], [Value("y", F32, 1)]), 18, rec)).Message);

        // f0 = Neg; f(k) calls f(k-1) ten times in a chain: 10^6 nodes from a file of a few hundred bytes.
        var functions = new List<FunctionProto> { Function("pkg", "f0", ["X"], ["Y"], [Node("Neg", ["X"], ["Y"])]) };
        for (int k = 1; k <= 6; k++)
        {
            var nodes = new List<NodeProto>();
            for (int c = 0; c < 10; c++)
            {
                var n = Node($"f{k - 1}", [c == 0 ? "X" : $"t{c - 1}"], [c == 9 ? "Y" : $"t{c}"]);
                n.Domain = "pkg";
                nodes.Add(n);
            }
            functions.Add(Function("pkg", $"f{k}", ["X"], ["Y"], [.. nodes]));
        }
        var top = Node("f6", ["x"], ["y"]);
        top.Domain = "pkg";
        var bomb = Model(Graph("g", [top], [Value("x", F32, 1)], [Value("y", F32, 1)]), 18, [.. functions]);
        var e = Importer.Fails(bomb, new ConvertOptions { Limits = new ImportLimits { MaxNodes = 100_000 } });
        Assert.Contains("more than 100000 nodes", e.Message);
    }
}
