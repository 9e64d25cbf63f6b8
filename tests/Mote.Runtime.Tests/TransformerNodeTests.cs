using Mote.Format;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>
/// The ONNX backend node tests of the transformer and miscellaneous operators (single-node cases), run
/// through a session with every input fed at run time, then with every input a constant (folded).
/// Random operators are left out: their outputs cannot be reproduced.
/// </summary>
public class TransformerNodeTests
{
    private static readonly string[] Prefixes =
    [
        "test_attention_", "test_rotary_embedding", "test_einsum_", "test_nllloss_", "test_sce_", "test_lrn", "test_det_",
        "test_center_crop_pad_", "test_tensorscatter", "test_dropout_", "test_training_dropout_zero_ratio",
    ];

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        var root = OnnxNodeTest.Root();
        if (root is null)
            return d;
        foreach (var dir in Directory.GetDirectories(root).Select(Path.GetFileName).Order())
            if (Prefixes.Any(p => dir!.StartsWith(p, StringComparison.Ordinal)) && !dir!.Contains("_expanded", StringComparison.Ordinal))
                d.Add(dir!);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOnnxReferenceOutputs(string name)
    {
        var t = OnnxNodeTest.Load(name);
        foreach (bool runtime in new[] { true, false })
        {
            var model = new ModelDef();
            var feeds = new List<NamedTensor>();
            for (int i = 0; i < t.Inputs.Length; i++)
            {
                var x = t.Inputs[i];
                var dims = x.Shape.ToArray().Select(v => (Dim)v).ToArray();
                // CenterCropPad's target shape decides the output shape: it stays a constant, as in a real model.
                if (runtime && !(t.Node.Op == OpType.CenterCropPad && i == 1))
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
            using var session = MoteModel.FromDefinition(model).CreateSession(new SessionOptions { Threads = 2 });
            var result = session.Run(feeds);
            for (int k = 0; k < t.Outputs.Length; k++)
                Compare(t.Outputs[k], result[outs[k]], $"{name} output {k} ({(runtime ? "run time" : "folded")})");
        }
    }

    // As the conformance suite: floats within 1e-7 + 1e-3·|expected|, everything else exact.
    private static void Compare(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {actual} != {expected}");
        Assert.Equal(expected.Type, actual.Type);
        if (expected.Type is DataType.Float32 or DataType.Float16 or DataType.Float64)
        {
            var e = expected.Type == DataType.Float64 ? expected.ToArray<double>() : expected.ToSingleArray().Select(v => (double)v).ToArray();
            var a = actual.Type == DataType.Float64 ? actual.ToArray<double>() : actual.ToSingleArray().Select(v => (double)v).ToArray();
            for (int i = 0; i < e.Length; i++)
                Assert.True(a[i] == e[i] || Math.Abs(a[i] - e[i]) <= 1e-7 + 1e-3 * Math.Abs(e[i]) || double.IsNaN(a[i]) && double.IsNaN(e[i]), $"{what}: element {i} is {a[i]}, expected {e[i]}");
            return;
        }
        OpRunner.AssertSame(expected, actual, what);
    }
}
