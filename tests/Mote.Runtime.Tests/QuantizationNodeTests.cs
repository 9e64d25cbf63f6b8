using Mote.Format;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>
/// The ONNX backend node tests of the quantization operators (float8, 4-bit and 2-bit cases are out of scope):
/// data input 0 fed at run time and the others constants, with 1 and 3 threads; then every input fed at run time
/// (as the conformance suite does); then every input a constant, so the node is evaluated while planning.
/// </summary>
public class QuantizationNodeTests
{
    private static readonly string[] Prefixes =
    [
        "test_quantizelinear", "test_dequantizelinear", "test_dynamicquantizelinear", "test_qlinearmatmul", "test_qlinearconv",
        "test_convinteger", "test_matmulinteger",
    ];

    private static readonly string[] OutOfScope = ["e4m3", "e5m2", "int4", "int2", "float4", "expanded"];

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        var root = OnnxNodeTest.Root();
        if (root is null)
            return d;
        foreach (var dir in Directory.GetDirectories(root).Select(Path.GetFileName).Order())
            if (Prefixes.Any(p => dir!.StartsWith(p, StringComparison.Ordinal)) && !OutOfScope.Any(o => dir!.Contains(o, StringComparison.Ordinal)))
                d.Add(dir!);
        return d;
    }

    [Fact]
    public void AllExpectedCasesAreFound()
    {
        if (OnnxNodeTest.Root() is null)
            return;
        // 6 QuantizeLinear, 5 DequantizeLinear, 3 DynamicQuantizeLinear, 8 QLinearMatMul, 1 QLinearConv, 2 ConvInteger, 1 MatMulInteger.
        Assert.Equal(26, Cases().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOnnxReferenceOutputs(string name)
    {
        var t = OnnxNodeTest.Load(name);
        foreach (var (mode, threads) in new[] { ("input 0 at run time", 1), ("input 0 at run time", 3), ("all at run time", 1), ("folded", 1) })
        {
            var model = new ModelDef();
            var feeds = new List<NamedTensor>();
            for (int i = 0; i < t.Inputs.Length; i++)
            {
                var x = t.Inputs[i];
                var dims = x.Shape.ToArray().Select(v => (Dim)v).ToArray();
                bool live = mode == "all at run time" || (mode != "folded" && i == 0);
                if (live)
                {
                    model.Add(new TensorDef(t.InputNames[i], x.Type, dims));
                    model.Graph.Inputs.Add(t.InputNames[i]);
                    feeds.Add(new NamedTensor(t.InputNames[i], x));
                }
                else
                    model.Add(new TensorDef(t.InputNames[i], x.Type, dims, x.Memory.ToArray()));
            }
            var outs = t.Node.Outputs.Where(o => o.Length > 0).ToArray();
            for (int k = 0; k < outs.Length; k++)
                model.Add(new TensorDef(outs[k], k < t.Outputs.Length ? t.Outputs[k].Type : DataType.Undefined, null));
            model.Graph.Outputs.AddRange(outs);
            model.Graph.Nodes.Add(t.Node);
            using var session = MoteModel.FromDefinition(model).CreateSession(new SessionOptions { Threads = threads });
            var result = session.Run(feeds);
            for (int k = 0; k < t.Outputs.Length; k++)
                Compare(t.Outputs[k], result[outs[k]], $"{name} output {k} ({mode}, {threads} threads)");
        }
    }

    private static void Compare(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {actual} != {expected}");
        if (expected.Type is DataType.Float32 or DataType.Float16 or DataType.BFloat16 && actual.Type == expected.Type)
        {
            OpRunner.AssertClose(expected.ToSingleArray(), Tensor.FromArray(actual.ToSingleArray(), actual.Shape.ToArray()), 1e-6f, what);
            return;
        }
        OpRunner.AssertSame(expected, actual, what);
    }
}
