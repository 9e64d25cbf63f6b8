using Mote.Convert.Onnx;
using Mote.Convert.Tests.Support;
using Mote.Format;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>Old operator forms are rewritten into the newest opset's form on import.</summary>
public sealed class OpsetRewriteTests
{
    /// <summary>Imports a one-node model at <paramref name="opset"/> and returns the model.</summary>
    private static ModelDef One(long opset, NodeProto node, ValueInfoProto[] inputs, ValueInfoProto[] outputs, params TensorProto[] inits)
    {
        var m = Importer.Model(Model(Graph("g", [node], inputs, outputs, inits), opset));
        Assert.Empty(ModelCheck.Problems(m));
        return m;
    }

    private static long[] LongInput(ModelDef m, NodeDef n, int i) => Tensors.Longs(m.Tensor(n.Inputs[i]));

    [Fact]
    public void SliceAttributesBecomeInputs()
    {
        var m = One(9, Node("Slice", ["x"], ["y"], "s", Ints("starts", 1, 0), Ints("ends", 3, 2), Ints("axes", 0, 1)),
            [Value("x", F32, 4, 4)], [Value("y", F32, 2, 2)]);
        var s = Tensors.Single(m, OpType.Slice);
        Assert.Empty(s.Attributes);
        Assert.Equal(4, s.Inputs.Count);
        Assert.Equal([1L, 0], LongInput(m, s, 1));
        Assert.Equal([3L, 2], LongInput(m, s, 2));
        Assert.Equal([0L, 1], LongInput(m, s, 3));
        // Opset 10+ Slice is already in input form and is left alone.
        var m10 = One(10, Node("Slice", ["x", "st", "en"], ["y"]), [Value("x", F32, 4)], [Value("y", F32, 2)],
            Int64Tensor("st", [1], 1), Int64Tensor("en", [1], 3));
        Assert.Equal(["x", "st", "en"], Tensors.Single(m10, OpType.Slice).Inputs);
    }

    [Fact]
    public void SplitAttributeBecomesInputAndEqualSplitGetsNumOutputs()
    {
        var m = One(11, Node("Split", ["x"], ["a", "b"], "s", Attr("axis", 0L), Ints("split", 1, 3)), [Value("x", F32, 4)], [Value("a", F32, 1), Value("b", F32, 3)]);
        var s = Tensors.Single(m, OpType.Split);
        Assert.Equal([1L, 3], LongInput(m, s, 1));
        Assert.Null(s.Attribute("num_outputs"));
        var eq = One(13, Node("Split", ["x"], ["a", "b"]), [Value("x", F32, 4)], [Value("a", F32, 2), Value("b", F32, 2)]);
        Assert.Equal(2, Tensors.Single(eq, OpType.Split).Attribute("num_outputs")!.Int);
        var new18 = One(18, Node("Split", ["x"], ["a", "b"], "", Attr("num_outputs", 2L)), [Value("x", F32, 4)], [Value("a", F32, 2), Value("b", F32, 2)]);
        Assert.Single(Tensors.Single(new18, OpType.Split).Inputs);
    }

    [Theory]
    [InlineData("Squeeze", 12, true)]
    [InlineData("Unsqueeze", 12, true)]
    [InlineData("ReduceSum", 12, true)]
    [InlineData("ReduceSum", 13, false)]
    [InlineData("ReduceMean", 17, true)]
    [InlineData("ReduceMax", 17, true)]
    [InlineData("ReduceL2", 17, true)]
    [InlineData("ReduceMean", 18, false)]
    public void AxesAttributeBecomesInput(string op, long opset, bool rewritten)
    {
        var node = rewritten ? Node(op, ["x"], ["y"], "n", Ints("axes", 1)) : Node(op, ["x", "ax"], ["y"], "n");
        var m = One(opset, node, [Value("x", F32, 2, 1)], [ValueNoShape("y", F32)], Int64Tensor("ax", [1], 1));
        var n = m.Graph.Nodes.Single();
        Assert.Null(n.Attribute("axes"));
        Assert.Equal([1L], LongInput(m, n, 1));
    }

    [Fact]
    public void ReduceWithoutAxesKeepsReducingEverything()
    {
        var m = One(11, Node("ReduceMean", ["x"], ["y"], "", Attr("keepdims", 0L)), [Value("x", F32, 2, 3)], [Value("y", F32)]);
        var n = Tensors.Single(m, OpType.ReduceMean);
        Assert.Single(n.Inputs);
        Assert.Equal(0, n.Attribute("keepdims")!.Int);
    }

    [Fact]
    public void ClipAttributesBecomeInputsOfTheInputType()
    {
        var m = One(6, Node("Clip", ["x"], ["y"], "c", Attr("min", 0f), Attr("max", 6f)), [Value("x", F16, 2)], [Value("y", F16, 2)]);
        var c = Tensors.Single(m, OpType.Clip);
        Assert.Empty(c.Attributes);
        var min = m.Tensor(c.Inputs[1]);
        var max = m.Tensor(c.Inputs[2]);
        Assert.Equal(DataType.Float16, min.Type);
        Assert.Empty(min.Shape!);
        Assert.Equal((Half)6, BitConverter.ToHalf(max.Data!.Value.Span));
        // An absent bound was ±FLT_MAX in Clip-6.
        var open = One(6, Node("Clip", ["x"], ["y"], "c", Attr("max", 1f)), [Value("x", F32, 2)], [Value("y", F32, 2)]);
        var oc = Tensors.Single(open, OpType.Clip);
        Assert.Equal([float.MinValue], Tensors.Floats(open.Tensor(oc.Inputs[1])));
    }

    [Fact]
    public void PadAttributesBecomeInputs()
    {
        var m = One(2, Node("Pad", ["x"], ["y"], "p", Ints("pads", 0, 1, 0, 2), Attr("value", 1.5f), Attr("mode", "constant")), [Value("x", F32, 2, 2)], [Value("y", F32, 2, 5)]);
        var p = Tensors.Single(m, OpType.Pad);
        Assert.Equal([0L, 1, 0, 2], LongInput(m, p, 1));
        Assert.Equal([1.5f], Tensors.Floats(m.Tensor(p.Inputs[2])));
        Assert.Equal("constant", p.Attribute("mode")!.String);
        Assert.Null(p.Attribute("pads"));
        var zero = One(2, Node("Pad", ["x"], ["y"], "p", Ints("pads", 1, 1, 1, 1)), [Value("x", F32, 2, 2)], [Value("y", F32, 4, 4)]);
        Assert.Equal(2, Tensors.Single(zero, OpType.Pad).Inputs.Count); // value 0 is the default: no input
    }

    [Fact]
    public void UpsampleAndResize10BecomeResizeWithOldSemantics()
    {
        var up7 = One(7, Node("Upsample", ["x"], ["y"], "u", Floats("scales", 1, 1, 2, 3)), [Value("x", F32, 1, 1, 2, 2)], [Value("y", F32, 1, 1, 4, 6)]);
        var r = Tensors.Single(up7, OpType.Resize);
        Assert.Equal("x", r.Inputs[0]);
        Assert.Equal("", r.Inputs[1]);
        Assert.Equal([1f, 1f, 2f, 3f], Tensors.Floats(up7.Tensor(r.Inputs[2])));
        Assert.Equal("nearest", r.Attribute("mode")!.String);
        Assert.Equal("asymmetric", r.Attribute("coordinate_transformation_mode")!.String);
        Assert.Equal("floor", r.Attribute("nearest_mode")!.String);

        var up9 = One(9, Node("Upsample", ["x", "sc"], ["y"], "u", Attr("mode", "linear")), [Value("x", F32, 1, 1, 2, 2)], [Value("y", F32, 1, 1, 4, 4)],
            FloatTensor("sc", [4], 1, 1, 2, 2));
        var r9 = Tensors.Single(up9, OpType.Resize);
        Assert.Equal(["x", "", "sc"], r9.Inputs);
        Assert.Equal("linear", r9.Attribute("mode")!.String);
        Assert.Equal("asymmetric", r9.Attribute("coordinate_transformation_mode")!.String);

        var rs10 = One(10, Node("Resize", ["x", "sc"], ["y"], "r"), [Value("x", F32, 1, 1, 2, 2)], [Value("y", F32, 1, 1, 4, 4)], FloatTensor("sc", [4], 1, 1, 2, 2));
        var r10 = Tensors.Single(rs10, OpType.Resize);
        Assert.Equal(["x", "", "sc"], r10.Inputs);
        Assert.Equal("floor", r10.Attribute("nearest_mode")!.String);
        // Resize-11 keeps its own semantics.
        var rs11 = One(11, Node("Resize", ["x", "roi", "sc"], ["y"], "r"), [Value("x", F32, 1, 1, 2, 2)], [Value("y", F32, 1, 1, 4, 4)],
            FloatTensor("roi", [0]), FloatTensor("sc", [4], 1, 1, 2, 2));
        Assert.Null(Tensors.Single(rs11, OpType.Resize).Attribute("coordinate_transformation_mode"));
    }

    [Fact]
    public void SoftmaxOnLastAxisKeepsOneNode()
    {
        var m = One(11, Node("Softmax", ["x"], ["y"], "sm", Attr("axis", 1L)), [Value("x", F32, 2, 5)], [Value("y", F32, 2, 5)]);
        Assert.Equal(-1, Tensors.Single(m, OpType.Softmax).Attribute("axis")!.Int);
        var def = One(12, Node("LogSoftmax", ["x"], ["y"], "sm"), [Value("x", F32, 2, 5)], [Value("y", F32, 2, 5)]);
        Assert.Single(def.Graph.Nodes);
        Assert.Equal(-1, def.Graph.Nodes[0].Attribute("axis")!.Int);
    }

    [Theory]
    [InlineData("Softmax")]
    [InlineData("LogSoftmax")]
    [InlineData("Hardmax")]
    public void SoftmaxOnInnerAxisIsCoercedTo2D(string op)
    {
        var m = One(11, Node(op, ["x"], ["y"], "sm"), [Value("x", F32, 1, 1000, 1, 1)], [Value("y", F32, 1, 1000, 1, 1)]);
        Assert.Equal([OpType.Shape, OpType.Flatten, Enum.Parse<OpType>(op), OpType.Reshape], m.Graph.Nodes.Select(n => n.Op));
        var (shape, flatten, sm, reshape) = (m.Graph.Nodes[0], m.Graph.Nodes[1], m.Graph.Nodes[2], m.Graph.Nodes[3]);
        Assert.Equal(["x"], shape.Inputs);
        Assert.Equal(["x"], flatten.Inputs);
        Assert.Equal(1, flatten.Attribute("axis")!.Int);
        Assert.Equal(flatten.Outputs, sm.Inputs);
        Assert.Equal(1, sm.Attribute("axis")!.Int);
        Assert.Equal([sm.Outputs[0], shape.Outputs[0]], reshape.Inputs);
        Assert.Equal(["y"], reshape.Outputs);
        Assert.Equal(1, reshape.Attribute("allowzero")!.Int);
        // Unknown rank: the same safe form.
        var unknown = One(11, Node(op, ["x"], ["y"], "sm", Attr("axis", 2L)), [ValueNoShape("x", F32)], [ValueNoShape("y", F32)]);
        Assert.Equal(4, unknown.Graph.Nodes.Count);
        Assert.Equal(2, unknown.Graph.Nodes[1].Attribute("axis")!.Int);
        // Opset 13 is the new form already.
        var m13 = One(13, Node(op, ["x"], ["y"], "sm", Attr("axis", 1L)), [Value("x", F32, 1, 1000, 1, 1)], [Value("y", F32, 1, 1000, 1, 1)]);
        Assert.Single(m13.Graph.Nodes);
        Assert.Equal(1, m13.Graph.Nodes[0].Attribute("axis")!.Int);
    }

    [Fact]
    public void BatchNormalizationDropsTrainingAttributes()
    {
        var inits = new[] { FloatTensor("s", [1], 1), FloatTensor("b", [1], 0), FloatTensor("m", [1], 0), FloatTensor("v", [1], 1) };
        var m = One(7, Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], "bn", Attr("spatial", 1L), Attr("momentum", 0.9f), Attr("epsilon", 1e-3f)),
            [Value("x", F32, 1, 1, 2, 2)], [Value("y", F32, 1, 1, 2, 2)], inits);
        var bn = Tensors.Single(m, OpType.BatchNormalization);
        Assert.Equal(["epsilon"], bn.Attributes.Select(a => a.Name));
        var e = Importer.Fails(Model(Graph("g", [Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], "bn", Attr("spatial", 0L))],
            [Value("x", F32, 1, 1, 2, 2)], [Value("y", F32, 1, 1, 2, 2)], inits), 7));
        Assert.Contains("spatial=0", e.Message);
    }

    [Fact]
    public void DropoutRatioBecomesInputAndOldAttributesGo()
    {
        var m = One(10, Node("Dropout", ["x"], ["y"], "d", Attr("ratio", 0.3f)), [Value("x", F32, 2)], [Value("y", F32, 2)]);
        var d = Tensors.Single(m, OpType.Dropout);
        Assert.Empty(d.Attributes);
        Assert.Equal([0.3f], Tensors.Floats(m.Tensor(d.Inputs[1])));
        var m6 = One(6, Node("Dropout", ["x"], ["y"], "d", Attr("is_test", 1L)), [Value("x", F32, 2)], [Value("y", F32, 2)]);
        Assert.Empty(Tensors.Single(m6, OpType.Dropout).Attributes);
    }

    [Fact]
    public void LegacyAttributesOfOldOpsets()
    {
        var gemm = One(6, Node("Gemm", ["a", "b", "c"], ["y"], "g", Attr("broadcast", 1L), Attr("transB", 1L)),
            [Value("a", F32, 2, 3)], [Value("y", F32, 2, 4)], FloatTensor("b", [4, 3], new float[12]), FloatTensor("c", [4], new float[4]));
        Assert.Equal(["transB"], Tensors.Single(gemm, OpType.Gemm).Attributes.Select(a => a.Name));
        var add = One(6, Node("Add", ["a", "b"], ["y"], "add", Attr("broadcast", 1L), Ints("consumed_inputs", 0, 0)),
            [Value("a", F32, 2, 3), Value("b", F32, 3)], [Value("y", F32, 2, 3)]);
        Assert.Empty(Tensors.Single(add, OpType.Add).Attributes);
        var e = Importer.Fails(Model(Graph("g", [Node("Add", ["a", "b"], ["y"], "add", Attr("broadcast", 1L), Attr("axis", 0L))],
            [Value("a", F32, 2, 3), Value("b", F32, 2)], [Value("y", F32, 2, 3)]), 6));
        Assert.Contains("legacy broadcasting", e.Message);
    }

    [Fact]
    public void TopKAndReshapeAttributesBecomeInputs()
    {
        var t = One(9, Node("TopK", ["x"], ["v", "i"], "t", Attr("k", 2L)), [Value("x", F32, 5)], [Value("v", F32, 2), Value("i", I64, 2)]);
        Assert.Equal([2L], LongInput(t, Tensors.Single(t, OpType.TopK), 1));
        var r = One(4, Node("Reshape", ["x"], ["y"], "r", Ints("shape", 2, 3)), [Value("x", F32, 6)], [Value("y", F32, 2, 3)]);
        Assert.Equal([2L, 3], LongInput(r, Tensors.Single(r, OpType.Reshape), 1));
    }

    [Fact]
    public void ScatterBecomesScatterElements()
    {
        var m = One(9, Node("Scatter", ["x", "i", "u"], ["y"], "s", Attr("axis", 0L)), [Value("x", F32, 3), Value("i", I64, 1), Value("u", F32, 1)], [Value("y", F32, 3)]);
        var s = Tensors.Single(m, OpType.ScatterElements);
        Assert.Equal(["x", "i", "u"], s.Inputs);
        Assert.Equal(0, s.Attribute("axis")!.Int);
    }

    [Fact]
    public void EveryRuleIsDocumented()
    {
        foreach (var rule in Opset.OpsetRewrites.Rules)
            Assert.False(string.IsNullOrWhiteSpace(rule.Why), rule.Id);
    }
}
