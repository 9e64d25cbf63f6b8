using Mote.Format;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>
/// The ONNX backend node tests of the neural-network operators (Conv, ConvTranspose, Gemm, MatMul, pooling):
/// data input 0 fed at run time and the others constants (as converted models have their weights), with 1
/// and 3 threads; then every input a constant, so the node is evaluated while planning.
/// </summary>
public class NeuralNetNodeTests
{
    private static readonly string[] Prefixes =
    [
        "test_conv_", "test_basic_conv_", "test_convtranspose", "test_gemm_", "test_matmul_", "test_maxpool_", "test_averagepool_",
        "test_globalaveragepool", "test_globalmaxpool", "test_lppool_", "test_globallppool",
    ];

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        var root = OnnxNodeTest.Root();
        if (root is null)
            return d;
        foreach (var dir in Directory.GetDirectories(root).Select(Path.GetFileName).Order())
            if (Prefixes.Any(p => dir!.StartsWith(p, StringComparison.Ordinal)) && !dir!.Contains("expanded", StringComparison.Ordinal))
                d.Add(dir!);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOnnxReferenceOutputs(string name)
    {
        var t = OnnxNodeTest.Load(name);
        foreach (var (runtimeInput, threads) in new[] { (true, 1), (true, 3), (false, 1) })
        {
            var model = new ModelDef();
            var feeds = new List<NamedTensor>();
            for (int i = 0; i < t.Inputs.Length; i++)
            {
                var x = t.Inputs[i];
                var dims = x.Shape.ToArray().Select(v => (Dim)v).ToArray();
                if (runtimeInput && i == 0)
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
                Compare(t.Outputs[k], result[outs[k]], $"{name} output {k} ({(runtimeInput ? "run time" : "folded")}, {threads} threads)");
        }
    }

    private static void Compare(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {actual} != {expected}");
        if (expected.Type is DataType.Float32 or DataType.Float16 or DataType.Float64 && actual.Type == expected.Type)
        {
            OpRunner.AssertClose(expected.ToSingleArray(), Tensor.FromArray(actual.ToSingleArray(), actual.Shape.ToArray()), 1e-4f, what);
            return;
        }
        OpRunner.AssertSame(expected, actual, what);
    }
}
