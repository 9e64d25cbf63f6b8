using Google.Protobuf;
using Mote.Convert.Onnx;
using Mote.Convert.Tests.Support;
using Mote.Format;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>Graph-level import: value types, Constant nodes, initializers as inputs, ordering, metadata.</summary>
public sealed class GraphImportTests
{
    [Fact]
    public void DimParamsBecomeSymbolsAndAnonymousDimsGetUniqueOnes()
    {
        var m = Importer.Model(Model(Graph("g", [Node("Add", ["a", "b"], ["y"])],
            [Value("a", F32, "batch", 3, null), Value("b", F32, null, 3, -1)], [Value("y", F32, "batch", 3, "b_dim0")])));
        var a = m.Tensor("a").Shape!;
        var b = m.Tensor("b").Shape!;
        Assert.Equal(Dim.Symbolic("batch"), a[0]);
        Assert.Equal(Dim.Fixed(3), a[1]);
        Assert.False(a[2].IsFixed);
        Assert.False(b[0].IsFixed);
        Assert.False(b[2].IsFixed);
        var generated = new[] { a[2].Symbol, b[0].Symbol, b[2].Symbol };
        Assert.Equal(3, generated.Distinct().Count());
        // Named after the value and axis, as `mote verify` names ONNX Runtime's unnamed dimensions...
        Assert.Equal("a_dim2", a[2].Symbol);
        Assert.Equal("b_dim2", b[2].Symbol);
        // ...unless the file itself uses that name: "b_dim0" is y's own symbol, so b's first axis gets another.
        Assert.NotEqual("b_dim0", b[0].Symbol);
        Assert.Equal("b_dim0", m.Tensor("y").Shape![2].Symbol);
    }

    [Fact]
    public void NonTensorInputsAreRejected()
    {
        var seq = new ValueInfoProto { Name = "s", Type = new TypeProto { SequenceType = new TypeProto.Types.Sequence { ElemType = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = F32 } } } } };
        var e = Importer.Fails(Model(Graph("g", [Node("SequenceLength", ["s"], ["y"])], [seq], [Value("y", I64)])));
        Assert.Contains("graph input 's' is a sequence", e.Message);
        var map = new ValueInfoProto { Name = "m", Type = new TypeProto { MapType = new TypeProto.Types.Map { KeyType = I64 } } };
        Assert.Contains("is a map", Importer.Fails(Model(Graph("g", [Node("Identity", ["m"], ["y"])], [map], [Value("y", I64)]))).Message);
    }

    [Fact]
    public void InitializersListedAsInputsAreConstantsNotInputs()
    {
        var r = Importer.Import(Model(Graph("g", [Node("Add", ["x", "w"], ["y"])],
            [Value("x", F32, 2), Value("w", F32, 2)], [Value("y", F32, 2)], FloatTensor("w", [2], 1f, 2f))));
        Assert.Equal(["x"], r.Model.Graph.Inputs);
        Assert.True(r.Model.Tensor("w").IsConstant);
        Assert.Equal(1, r.Report.CountOf("initializers also listed as graph inputs (kept as constants)"));
    }

    [Fact]
    public void ConstantNodesBecomeConstantTensors()
    {
        var sparse = new SparseTensorProto { Values = FloatTensor("", [1], 9f), Indices = Int64Tensor("", [1], 2) };
        sparse.Dims.Add(4);
        var sparseAttr = new AttributeProto { Name = "sparse_value", Type = AttributeProto.Types.AttributeType.SparseTensor, SparseTensor = sparse };
        var nodes = new[]
        {
            Node("Constant", [], ["c_tensor"], "", Attr("value", FloatTensor("", [2], 1f, 2f))),
            Node("Constant", [], ["c_float"], "", Attr("value_float", 2.5f)),
            Node("Constant", [], ["c_floats"], "", Floats("value_floats", 1f, 3f)),
            Node("Constant", [], ["c_int"], "", Attr("value_int", 7L)),
            Node("Constant", [], ["c_ints"], "", Ints("value_ints", 4, 5, 6)),
            Node("Constant", [], ["c_sparse"], "", sparseAttr),
            Node("Concat", ["c_tensor", "c_floats"], ["y"], "cat", Attr("axis", 0L)),
        };
        var m = Importer.Model(Model(Graph("g", nodes, [], [Value("y", F32, 4)])));
        Assert.Equal(OpType.Concat, Assert.Single(m.Graph.Nodes).Op);
        Assert.Equal([1f, 2f], Tensors.Floats(m.Tensor("c_tensor")));
        Assert.Equal([2.5f], Tensors.Floats(m.Tensor("c_float")));
        Assert.Empty(m.Tensor("c_float").Shape!);
        Assert.Equal([1f, 3f], Tensors.Floats(m.Tensor("c_floats")));
        Assert.Equal([7L], Tensors.Longs(m.Tensor("c_int")));
        Assert.Equal([4L, 5, 6], Tensors.Longs(m.Tensor("c_ints")));
        Assert.Equal([0f, 0f, 9f, 0f], Tensors.Floats(m.Tensor("c_sparse")));
    }

    [Fact]
    public void StringConstantsAreRejected()
    {
        var a = new AttributeProto { Name = "value_string", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("hi") };
        var e = Importer.Fails(Model(Graph("g", [Node("Constant", [], ["c"], "k", a)], [], [new ValueInfoProto { Name = "c" }])));
        Assert.Contains("Constant k holds strings", e.Message);
    }

    [Fact]
    public void UnsortedNodesAreSortedTopologically()
    {
        var r = Importer.Import(Model(Graph("g", [Node("Relu", ["t"], ["y"], "second"), Node("Neg", ["x"], ["t"], "first")],
            [Value("x", F32, 2)], [Value("y", F32, 2)])));
        Assert.Equal(["first", "second"], r.Model.Graph.Nodes.Select(n => n.Name));
        Assert.Equal(1, r.Report.CountOf("graphs re-sorted into topological order"));
    }

    [Fact]
    public void CyclesAndUndefinedInputsAreRejected()
    {
        var cycle = Importer.Fails(Model(Graph("g", [Node("Relu", ["b"], ["a"]), Node("Neg", ["a"], ["b"])], [], [Value("a", F32, 2)])));
        Assert.Contains("cycle", cycle.Message);
        var undefined = Importer.Fails(Model(Graph("g", [Node("Relu", ["nowhere"], ["y"], "r")], [], [Value("y", F32, 2)])));
        Assert.Contains("Relu 'r' reads 'nowhere'", undefined.Message);
        var twice = Importer.Fails(Model(Graph("g", [Node("Relu", ["x"], ["y"]), Node("Neg", ["x"], ["y"])], [Value("x", F32, 1)], [Value("y", F32, 1)])));
        Assert.Contains("defined twice", twice.Message);
        var noOutputs = Importer.Fails(Model(Graph("g", [Node("Softmax", ["x"], [], "sm"), Node("Relu", ["x"], ["y"])], [Value("x", F32, 1)], [Value("y", F32, 1)]), 11));
        Assert.Contains("Softmax 'sm' has no outputs", noOutputs.Message);
    }

    [Fact]
    public void OmittedOptionalInputsAndOutputsStayEmpty()
    {
        var m = Importer.Model(Model(Graph("g", [Node("Clip", ["x", "", "hi"], ["y"])],
            [Value("x", F32, 2)], [Value("y", F32, 2)], FloatTensor("hi", [], 6f))));
        Assert.Equal(["x", "", "hi"], Tensors.Single(m, OpType.Clip).Inputs);
    }

    [Fact]
    public void AttributesAreConvertedWithTheirKinds()
    {
        var strings = new AttributeProto { Name = "names", Type = AttributeProto.Types.AttributeType.Strings };
        strings.Strings.Add(ByteString.CopyFromUtf8("a"));
        var node = Node("Conv", ["x", "w"], ["y"], "c", Ints("pads", 1, 1, 1, 1), Attr("group", 1L), Attr("auto_pad", "NOTSET"), Floats("f", 0.5f), strings);
        var m = Importer.Model(Model(Graph("g", [node], [Value("x", F32, 1, 1, 3, 3)], [Value("y", F32, 1, 1, 3, 3)], FloatTensor("w", [1, 1, 1, 1], 1f))));
        var conv = Tensors.Single(m, OpType.Conv);
        Assert.Equal([1L, 1, 1, 1], conv.Attribute("pads")!.Ints!);
        Assert.Equal(1, conv.Attribute("group")!.Int);
        Assert.Equal("NOTSET", conv.Attribute("auto_pad")!.String);
        Assert.Equal([0.5f], conv.Attribute("f")!.Floats!);
        Assert.Equal(["a"], conv.Attribute("names")!.Strings!);
    }

    [Fact]
    public void MetadataRecordsSourceAndHash()
    {
        var model = Model(Graph("g", [Node("Relu", ["x"], ["y"])], [Value("x", F32, 1)], [Value("y", F32, 1)]), opset: 13);
        model.DocString = "a doc";
        model.MetadataProps.Add(new StringStringEntryProto { Key = "labels", Value = "cat,dog" });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        using var dir = new TempDir();
        string file = dir.Write(model);
        var meta = OnnxImporter.Import(file).Model.Metadata;
        Assert.Equal("mote-convert", meta.Producer);
        Assert.False(string.IsNullOrEmpty(meta.ProducerVersion));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)), meta.SourceSha256);
        Assert.Contains(new OpsetImport("", 13), meta.Opsets);
        Assert.Contains(new OpsetImport("com.microsoft", 1), meta.Opsets);
        var props = meta.Properties.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("test", props["onnx.producer_name"]);
        Assert.Equal("1.0", props["onnx.producer_version"]);
        Assert.Equal("a doc", props["onnx.doc_string"]);
        Assert.Equal("cat,dog", props["labels"]);
    }

    [Fact]
    public void OpsetRangeIsChecked()
    {
        var old = Importer.Import(Model(Graph("g", [Node("Relu", ["x"], ["y"])], [Value("x", F32, 1)], [Value("y", F32, 1)]), opset: 6));
        Assert.Contains(old.Report.Warnings, w => w.Contains("older than 7"));
        var newer = Importer.Import(Model(Graph("g", [Node("Relu", ["x"], ["y"])], [Value("x", F32, 1)], [Value("y", F32, 1)]), opset: 99));
        Assert.Contains(newer.Report.Warnings, w => w.Contains("newer than this converter knows"));
        var none = Model(Graph("g", [Node("Relu", ["x"], ["y"])], [Value("x", F32, 1)], [Value("y", F32, 1)]));
        none.OpsetImport.Clear();
        Assert.Contains("imports no opset", Importer.Fails(none).Message);
        var aiOnnx = Model(Graph("g", [Node("Relu", ["x"], ["y"])], [Value("x", F32, 1)], [Value("y", F32, 1)]));
        aiOnnx.OpsetImport[0].Domain = "ai.onnx";
        Assert.Equal(OpType.Relu, Importer.Model(aiOnnx).Graph.Nodes[0].Op);
    }
}
