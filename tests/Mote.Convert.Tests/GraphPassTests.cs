using Mote.Convert.Onnx;
using Mote.Convert.Passes;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Kernels;
using Mote.Runtime.Operators.NeuralNet;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>RemoveIdentity, RemoveDeadNodes, MatMulAddToGemm and the pipeline.</summary>
public sealed class GraphPassTests
{
    private static PassReport Run(IGraphPass pass, ModelDef m)
    {
        var r = new PassReport(pass.Name);
        pass.Run(m, r);
        Assert.Empty(ModelCheck.Problems(m));
        return r;
    }

    [Fact]
    public void IdentitiesAreRemovedKeepingGraphOutputNames()
    {
        var m = Importer.Model(Model(Graph("g",
        [
            Node("Identity", ["x"], ["a"], "id1"),
            Node("Relu", ["a"], ["b"], "relu"),
            Node("Identity", ["b"], ["y"], "id2"),
        ], [Value("x", F32, 2)], [Value("y", F32, 2)])));
        var r = Run(new RemoveIdentity(), m);
        Assert.Equal(2, r.CountOf("Identity nodes removed"));
        var relu = Assert.Single(m.Graph.Nodes);
        Assert.Equal(["x"], relu.Inputs);
        Assert.Equal(["y"], relu.Outputs);
        Assert.Equal(["y"], m.Graph.Outputs);
        Assert.False(m.Tensors.ContainsKey("a"));
        Assert.False(m.Tensors.ContainsKey("b"));
    }

    [Fact]
    public void IdentityFromInputOrConstantToOutputIsKept()
    {
        var m = Importer.Model(Model(Graph("g",
            [Node("Identity", ["x"], ["y"], "pass"), Node("Identity", ["w"], ["z"], "const")],
            [Value("x", F32, 2)], [Value("y", F32, 2), Value("z", F32, 1)], FloatTensor("w", [1], 3f))));
        var r = Run(new RemoveIdentity(), m);
        Assert.False(r.Changed);
        Assert.Equal(2, m.Graph.Nodes.Count);
        Assert.Equal(2, r.Messages.Count);
    }

    [Fact]
    public void InferenceDropoutIsRemovedAndItsUsedMaskBecomesConstant()
    {
        var m = Importer.Model(Model(Graph("g",
        [
            Node("Relu", ["x"], ["r"], "relu"),
            Node("Dropout", ["r"], ["d", "mask"], "drop"),
            Node("Not", ["mask"], ["y2"], "not"),
            Node("Neg", ["d"], ["y"], "neg"),
        ], [Value("x", F32, 2, 3)], [Value("y", F32, 2, 3), Value("y2", Bool, 2, 3)])));
        m.Tensor("r").Shape = [2, 3]; // as shape inference would have it
        var r = Run(new RemoveIdentity(), m);
        Assert.Equal(1, r.CountOf("Dropout nodes removed"));
        Assert.Equal([OpType.Relu, OpType.Not, OpType.Neg], m.Graph.Nodes.Select(n => n.Op));
        Assert.Equal(["r"], m.Graph.Nodes[2].Inputs);
        var mask = m.Tensor("mask");
        Assert.Equal(DataType.Bool, mask.Type);
        Assert.Equal([1, 1, 1, 1, 1, 1], mask.Data!.Value.ToArray());
    }

    [Fact]
    public void TrainingDropoutAndUnknownMaskShapesAreKept()
    {
        var m = Importer.Model(Model(Graph("g",
            [Node("Dropout", ["x", "ratio", "train"], ["y"], "drop")],
            [Value("x", F32, 2)], [Value("y", F32, 2)], FloatTensor("ratio", [], 0.5f), new TensorProto { Name = "train", DataType = Bool, Int32Data = { 1 } })));
        Assert.False(Run(new RemoveIdentity(), m).Changed);
        var m2 = Importer.Model(Model(Graph("g",
            [Node("Relu", ["x"], ["r"]), Node("Dropout", ["r"], ["d", "mask"], "drop"), Node("Neg", ["d"], ["y"])],
            [Value("x", F32, 2)], [Value("y", F32, 2), Value("mask", Bool, 2)])));
        Assert.False(Run(new RemoveIdentity(), m2).Changed);
    }

    [Fact]
    public void DeadNodesAndConstantsAreRemovedTransitively()
    {
        var then = Graph("then", [Node("Add", ["outer", "one"], ["t"], "inner")], [], [Value("t", F32, 2)]);
        var m = Importer.Model(Model(Graph("g",
        [
            Node("Neg", ["x"], ["outer"], "feeds_subgraph"),
            Node("If", ["cond"], ["y"], "if", Attr("then_branch", then), Attr("else_branch", then.Clone())),
            Node("Mul", ["x", "unused_w"], ["dead1"], "dead1"),
            Node("Relu", ["dead1"], ["dead2"], "dead2"),
        ], [Value("cond", Bool), Value("x", F32, 2), Value("unused_input", F32, 1)], [Value("y", F32, 2)],
            FloatTensor("one", [], 1f), FloatTensor("unused_w", [2], 1, 2))));
        var r = Run(new RemoveDeadNodes(), m);
        Assert.Equal(2, r.CountOf("nodes removed"));
        Assert.Equal(1, r.CountOf("constants removed"));
        Assert.Equal([OpType.Neg, OpType.If], m.Graph.Nodes.Select(n => n.Op));
        Assert.False(m.Tensors.ContainsKey("unused_w"));
        Assert.False(m.Tensors.ContainsKey("dead2"));
        Assert.True(m.Tensors.ContainsKey("one"));
        Assert.Contains("unused_input", m.Graph.Inputs);
    }

    private static ModelDef MatMulAdd(object[] aDims, long[] biasDims, bool biasFirst = false, bool constB = true)
    {
        int n = 4;
        var bias = FloatTensor("bias", biasDims, Enumerable.Range(0, (int)biasDims.Aggregate(1L, (p, d) => p * d)).Select(i => (float)i).ToArray());
        var inits = new List<TensorProto> { bias };
        var inputs = new List<ValueInfoProto> { Value("a", F32, aDims) };
        if (constB)
            inits.Add(FloatTensor("b", [3, n], new float[3 * n]));
        else
            inputs.Add(Value("b", F32, 3, n));
        return Importer.Model(Model(Graph("g",
            [Node("MatMul", ["a", "b"], ["mm"], "mm"), Node("Add", biasFirst ? ["bias", "mm"] : ["mm", "bias"], ["y"], "add")],
            inputs, [ValueNoShape("y", F32)], [.. inits])));
    }

    [Theory]
    [InlineData(new long[] { 4 }, false)]
    [InlineData(new long[] { 1, 4 }, false)]
    [InlineData(new long[] { 4 }, true)]
    [InlineData(new long[] { }, false)]
    public void MatMulAddBecomesGemm(long[] biasDims, bool biasFirst)
    {
        var m = MatMulAdd(["M", 3], biasDims, biasFirst);
        var r = Run(new MatMulAddToGemm(), m);
        Assert.Equal(1, r.CountOf("MatMul+Add rewritten as Gemm"));
        var gemm = Assert.Single(m.Graph.Nodes);
        Assert.Equal(OpType.Gemm, gemm.Op);
        Assert.Equal(["a", "b", "bias"], gemm.Inputs);
        Assert.Equal(["y"], gemm.Outputs);
        Assert.Empty(gemm.Attributes); // alpha = beta = 1, no transposes
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MatMulAddWithBatchedABecomesMatMulWithBias(bool biasFirst)
    {
        var m = MatMulAdd(["B", "S", 3], [4], biasFirst);
        var r = Run(new MatMulAddToGemm(), m);
        Assert.Equal(1, r.CountOf("MatMul+Add bias fused into MatMul"));
        var matmul = Assert.Single(m.Graph.Nodes);
        Assert.Equal(OpType.MatMul, matmul.Op);
        Assert.Equal(["a", "b", "bias"], matmul.Inputs);
        Assert.Equal(["y"], matmul.Outputs);
    }

    [Fact]
    public void MatMulAddStaysWhenGemmCannotExpressIt()
    {
        Assert.False(Run(new MatMulAddToGemm(), MatMulAdd([2, 2, 3], [1, 4])).Changed);    // A is 3-D and the bias is not [N]
        Assert.False(Run(new MatMulAddToGemm(), MatMulAdd([2, 3], [2, 4])).Changed);       // bias is a full matrix
        Assert.False(Run(new MatMulAddToGemm(), MatMulAdd([2, 3], [4], constB: false)).Changed); // B computed
    }

    [Fact]
    public void PipelineOrderLeavesRoomForAnalysisPasses()
    {
        var probe = new ProbePass();
        var pipeline = PassPipeline.CreateDefault([probe]);
        var names = pipeline.Passes.Select(p => p.Name).ToList();
        Assert.True(names.IndexOf("Probe") > names.IndexOf("RemoveDeadNodes"));
        Assert.True(names.IndexOf("Probe") < names.IndexOf("FoldBatchNorm"));
        Assert.True(names.IndexOf("MatMulAddToGemm") < names.IndexOf("FuseActivation"));
        Assert.True(names.IndexOf("RecognizeHardSwish") < names.IndexOf("FuseActivation"));
        // Deduplication must follow every pass that rewrites a constant in place, and precede the last sweep.
        Assert.Equal(names.Count - 2, names.IndexOf("DeduplicateConstants"));
    }

    [Fact]
    public void IdenticalConstantsAreMergedAcrossSubgraphs()
    {
        var branch = Graph("then", [Node("Mul", ["x", "w2"], ["t"], "mul")], [], [Value("t", F32, 3)]);
        var other = Graph("else", [], [], [Value("w3", F32, 3)]);
        var m = Importer.Model(Model(Graph("g",
        [
            Node("Add", ["x", "w1"], ["a"], "add"),
            Node("Sub", ["x", "w4"], ["s"], "sub"),
            Node("If", ["cond"], ["r"], "if", Attr("then_branch", branch), Attr("else_branch", other)),
            Node("Sum", ["a", "r", "s", "w5"], ["y"], "sum"),
        ], [Value("cond", Bool), Value("x", F32, 3)], [Value("y", F32, 3), Value("w5", F32, 3)],
            FloatTensor("w1", [3], 1f, 2f, 3f), FloatTensor("w2", [3], 1f, 2f, 3f), FloatTensor("w3", [3], 1f, 2f, 3f),
            FloatTensor("w4", [3], 1f, 2f, 4f), FloatTensor("w5", [3], 1f, 2f, 3f))));
        var r = Run(new DeduplicateConstants(), m);
        Assert.Equal(2, r.CountOf("duplicate constants merged"));
        var ifNode = Tensors.Single(m, OpType.If);
        Assert.Equal(["x", "w1"], Tensors.Single(m, OpType.Add).Inputs);
        Assert.Equal(["x", "w1"], ifNode.Attribute("then_branch")!.Graph!.Nodes[0].Inputs);
        Assert.Equal(["w1"], ifNode.Attribute("else_branch")!.Graph!.Outputs);
        // Different data stays; a main-graph output keeps its name.
        Assert.Equal(["x", "w4"], Tensors.Single(m, OpType.Sub).Inputs);
        Assert.Equal("w5", Tensors.Single(m, OpType.Sum).Inputs[3]);
        Run(new RemoveDeadNodes(), m);
        Assert.False(m.Tensors.ContainsKey("w2"));
        Assert.False(m.Tensors.ContainsKey("w3"));
        Assert.Equal([1f, 2f, 3f], Tensors.Floats(m.Tensor("w1")));
    }

    [Fact]
    public void ConverterRunsImportAndPassesAndSummarizes()
    {
        using var dir = new TempDir();
        string file = dir.Write(Model(Graph("g",
        [
            Node("MatMul", ["a", "b"], ["mm"], "mm"), Node("Add", ["mm", "bias"], ["s"], "add"),
            Node("Relu", ["s"], ["r"], "relu"), Node("Identity", ["r"], ["y"], "id"),
        ], [Value("a", F32, 2, 3)], [Value("y", F32, 2, 4)], FloatTensor("b", [3, 4], new float[12]), FloatTensor("bias", [4], new float[4]),
            FloatTensor("unused", [100], new float[100]))));
        var probe = new ProbePass();
        var result = Converter.Convert(file, new ConvertOptions { AnalysisPasses = [probe] });
        Assert.True(probe.Ran);
        var gemm = Assert.Single(result.Model.Graph.Nodes);
        Assert.Equal(OpType.Gemm, gemm.Op);
        Assert.Equal((long)ActivationKind.Relu, gemm.Attribute(FusedActivation.KindAttribute)!.Int);
        Assert.Equal(["y"], gemm.Outputs);
        Assert.Equal([new KeyValuePair<OpType, int>(OpType.Gemm, 1)], result.OpHistogram);
        Assert.Equal(16, result.ParameterCount);
        Assert.Equal(64, result.ParameterBytes);
        Assert.Equal(["RemoveIdentity", "RemoveDeadNodes", "Probe", "FoldBatchNorm", "FoldConvAffine", "FuseLayerNorm", "FuseGelu", "FuseAttention", "MatMulAddToGemm", "RecognizeHardSwish", "FuseConvResidual", "FuseActivation", "DeduplicateConstants", "RemoveDeadNodes"],
            result.Passes.Select(p => p.Pass));
        Assert.Equal("RemoveIdentity: 1 Identity nodes removed", result.Passes[0].ToString());
    }

    [Fact]
    public void HardSigmoidTimesInputBecomesHardSwishAndFuses()
    {
        var nodes = new[]
        {
            Node("Conv", ["x", "w"], ["c"], "conv"),
            Node("HardSigmoid", ["c"], ["g"], "gate", Attr("alpha", 1f / 6), Attr("beta", 0.5f)),
            Node("Mul", ["g", "c"], ["y"], "mul"),
        };
        var m = Importer.Model(Model(Graph("g", nodes, [Value("x", F32, 1, 2, 2, 2)], [Value("y", F32, 1, 2, 2, 2)], FloatTensor("w", [2, 2, 1, 1], 1, 0, 0, 1))));
        var r = Run(new RecognizeHardSwish(), m);
        Assert.Equal(1, r.CountOf("HardSwish patterns recognised"));
        Assert.Equal([OpType.Conv, OpType.HardSwish], m.Graph.Nodes.Select(n => n.Op));
        Assert.Equal(["c"], m.Graph.Nodes[1].Inputs);
        Assert.Equal(["y"], m.Graph.Nodes[1].Outputs);
        Run(new FuseActivation(), m);
        var conv = Assert.Single(m.Graph.Nodes);
        Assert.Equal((long)ActivationKind.HardSwish, conv.Attribute(FusedActivation.KindAttribute)!.Int);

        // Other HardSigmoid parameters, or a Mul with another operand, are not HardSwish.
        var other = Importer.Model(Model(Graph("g",
            [Node("HardSigmoid", ["x"], ["g"], "gate"), Node("Mul", ["x", "g"], ["y"], "mul")],
            [Value("x", F32, 2)], [Value("y", F32, 2)])));
        Assert.False(Run(new RecognizeHardSwish(), other).Changed);
    }

    private sealed class ProbePass : IGraphPass
    {
        public bool Ran { get; private set; }
        public string Name => "Probe";
        public void Run(ModelDef model, PassReport report) => Ran = true;
    }
}
