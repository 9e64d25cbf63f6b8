using Mote.Format;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>
/// The ONNX backend node tests of LSTM, GRU and RNN through a session: X fed at run time and the other inputs
/// constants (as a converted model has its weights), then everything folded while planning.
/// </summary>
public class RecurrentNodeTests
{
    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        var root = OnnxNodeTest.Root();
        if (root is null)
            return d;
        foreach (var dir in Directory.GetDirectories(root).Select(Path.GetFileName).Order())
            if (dir!.StartsWith("test_lstm_", StringComparison.Ordinal) || dir.StartsWith("test_gru_", StringComparison.Ordinal)
                || dir.StartsWith("test_rnn_", StringComparison.Ordinal) || dir.StartsWith("test_simple_rnn_", StringComparison.Ordinal))
                d.Add(dir);
        return d;
    }

    [Fact]
    public void TheNodeTestsArePresent() => Assert.True(Cases().Count >= 12, "expected the ONNX node tests of LSTM, GRU and RNN in ../shared");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOnnxReferenceOutputs(string name)
    {
        var t = OnnxNodeTest.Load(name);
        foreach (bool fold in new[] { false, true })
        {
            var model = new ModelDef();
            var feeds = new List<NamedTensor>();
            for (int i = 0; i < t.Inputs.Length; i++)
            {
                var x = t.Inputs[i];
                var dims = x.Shape.ToArray().Select(v => (Dim)v).ToArray();
                if (!fold && i == 0)
                {
                    model.Add(new TensorDef(t.InputNames[i], x.Type, dims));
                    model.Graph.Inputs.Add(t.InputNames[i]);
                    feeds.Add(new NamedTensor(t.InputNames[i], x));
                }
                else
                    model.Add(new TensorDef(t.InputNames[i], x.Type, dims, x.Memory.ToArray()));
            }
            var outs = t.Node.Outputs.Where(o => o.Length > 0).ToArray();
            foreach (var o in outs)
                model.Add(new TensorDef(o, DataType.Undefined, null));
            model.Graph.Outputs.AddRange(outs);
            model.Graph.Nodes.Add(t.Node);
            using var session = MoteModel.FromDefinition(model).CreateSession();
            var result = session.Run(feeds);
            for (int k = 0; k < t.Outputs.Length; k++)
            {
                var expected = t.Outputs[k];
                var actual = result[outs[k]];
                Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{name} output {k}: shape {actual} != {expected}");
                NnRunner.AssertClose(expected.ToSingleArray(), actual, 1e-5f, $"{name} output {k} ({(fold ? "folded" : "run time")})");
            }
        }
    }
}
