using Mote.Convert.Onnx;
using Mote.Convert.Tests.Support;
using Mote.Format;
using Mote.Runtime;
using static Mote.Convert.Tests.Support.Onnx;

namespace Mote.Convert.Tests;

/// <summary>GroupNormalization-18's per-group scale and bias become opset 21's per-channel ones, with the same results.</summary>
public sealed class GroupNormalizationRewriteTests
{
    private const int N = 2, C = 6, G = 3, S = 4;
    private static readonly float[] Scale = [0.5f, -2f, 1.5f], Bias = [0.25f, 1f, -3f];

    [Fact]
    public void ConstantParametersAreExpandedPerChannel()
    {
        var m = Import(constants: true, opset: 18);
        var n = Tensors.Single(m, OpType.GroupNormalization);
        Assert.Equal([0.5f, 0.5f, -2f, -2f, 1.5f, 1.5f], Tensors.Floats(m.Tensor(n.Inputs[1])));
        Assert.Equal([0.25f, 0.25f, 1f, 1f, -3f, -3f], Tensors.Floats(m.Tensor(n.Inputs[2])));
        Assert.Equal(NormalizedReference(), Run(m, withParameters: false), new Tolerance());
    }

    [Fact]
    public void RunTimeParametersAreExpandedByNodes()
    {
        var m = Import(constants: false, opset: 18);
        Assert.Contains(m.Graph.Nodes, n => n.Op == OpType.Expand);
        Assert.Equal(NormalizedReference(), Run(m, withParameters: true), new Tolerance());
    }

    [Fact]
    public void Opset21IsLeftAlone()
    {
        var x = Value("x", F32, N, C, S);
        var node = Node("GroupNormalization", ["x", "s", "b"], ["y"], "gn", Attr("num_groups", (long)G));
        var m = Importer.Model(Model(Graph("g", [node], [x], [Value("y", F32, N, C, S)], FloatTensor("s", [C], new float[C]), FloatTensor("b", [C], new float[C])), 21));
        Assert.Single(m.Graph.Nodes);
        Assert.Equal("s", m.Graph.Nodes[0].Inputs[1]);
    }

    private static ModelDef Import(bool constants, long opset)
    {
        var inputs = new List<ValueInfoProto> { Value("x", F32, N, C, S) };
        var inits = new List<TensorProto>();
        if (constants)
            inits.AddRange([FloatTensor("s", [G], Scale), FloatTensor("b", [G], Bias)]);
        else
            inputs.AddRange([Value("s", F32, G), Value("b", F32, G)]);
        var node = Node("GroupNormalization", ["x", "s", "b"], ["y"], "gn", Attr("num_groups", (long)G), Attr("epsilon", 1e-3f));
        var m = Importer.Model(Model(Graph("g", [node], inputs, [Value("y", F32, N, C, S)], [.. inits]), opset));
        Assert.Empty(ModelCheck.Problems(m));
        return m;
    }

    private static float[] X() => Reference.Random(N * C * S, 7, -3, 3);

    private static float[] Run(ModelDef m, bool withParameters)
    {
        using var session = MoteModel.FromDefinition(m).CreateSession();
        var feeds = new List<NamedTensor> { new("x", Tensor.FromArray(X(), N, C, S)) };
        if (withParameters)
            feeds.AddRange([new("s", Tensor.FromArray(Scale, G)), new("b", Tensor.FromArray(Bias, G))]);
        return session.Run(feeds)["y"].ToArray<float>();
    }

    // Opset 18 semantics: statistics per (sample, group), then the group's own scale and bias.
    private static float[] NormalizedReference()
    {
        var x = X();
        var y = new float[x.Length];
        int per = C / G * S;
        for (int n = 0; n < N; n++)
            for (int g = 0; g < G; g++)
            {
                int at = (n * G + g) * per;
                double mean = 0, var = 0;
                for (int i = 0; i < per; i++)
                    mean += x[at + i] / (double)per;
                for (int i = 0; i < per; i++)
                    var += (x[at + i] - mean) * (x[at + i] - mean) / per;
                for (int i = 0; i < per; i++)
                    y[at + i] = (float)(Scale[g] * (x[at + i] - mean) / Math.Sqrt(var + 1e-3f) + Bias[g]);
            }
        return y;
    }

    private sealed class Tolerance : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= 1e-5f * (1 + Math.Abs(b));

        public int GetHashCode(float f) => 0;
    }
}
