using Mote.Format;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>One input of a single-node test: constant (a weight) or fed when the model runs; null = omitted.</summary>
internal sealed record NnInput(Tensor Value, bool Constant = false);

/// <summary>
/// Runs one neural-network node through real sessions: with 1 and 3 threads (asserting identical bytes, the
/// thread-count determinism every kernel promises), optionally also with every input a constant so the node
/// is evaluated while planning.
/// </summary>
internal static class NnRunner
{
    public static Tensor[] Run(OpType op, NnInput?[] inputs, int outputs, AttributeDef[] attributes, bool alsoFolded = false, int[]? threads = null)
    {
        threads ??= [1, 3];
        Tensor[]? first = null;
        foreach (int t in threads)
        {
            var r = RunOnce(op, inputs, outputs, attributes, fold: false, new SessionOptions { Threads = t });
            if (first is null)
                first = r;
            else
                for (int k = 0; k < outputs; k++)
                    OpRunner.AssertSame(first[k], r[k], $"{op} output {k}: {t} threads vs {threads[0]}");
        }
        if (alsoFolded)
        {
            var folded = RunOnce(op, inputs, outputs, attributes, fold: true, new SessionOptions());
            for (int k = 0; k < outputs; k++)
                OpRunner.AssertSame(first![k], folded[k], $"{op} output {k}: folded vs run time");
        }
        return first!;
    }

    public static Tensor Single(OpType op, NnInput?[] inputs, params AttributeDef[] attributes) => Run(op, inputs, 1, attributes)[0];

    public static Tensor[] RunOnce(OpType op, NnInput?[] inputs, int outputs, AttributeDef[] attributes, bool fold, SessionOptions options)
    {
        var model = new ModelDef();
        var names = new string[inputs.Length];
        var feeds = new List<NamedTensor>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } input)
            {
                names[i] = "";
                continue;
            }
            names[i] = $"in{i}";
            var shape = input.Value.Shape.ToArray().Select(d => (Dim)d).ToArray();
            if (fold || input.Constant)
                model.Add(new TensorDef(names[i], input.Value.Type, shape, input.Value.Memory.ToArray()));
            else
            {
                model.Add(new TensorDef(names[i], input.Value.Type, shape));
                model.Graph.Inputs.Add(names[i]);
                feeds.Add(new NamedTensor(names[i], input.Value));
            }
        }
        var outNames = Enumerable.Range(0, outputs).Select(k => $"out{k}").ToArray();
        foreach (var n in outNames)
            model.Add(new TensorDef(n, DataType.Undefined, null));
        model.Graph.Outputs.AddRange(outNames);
        model.Graph.Nodes.Add(new NodeDef(op, "node", names, outNames, attributes));
        using var session = MoteModel.FromDefinition(model).CreateSession(options);
        var result = session.Run(feeds);
        // A second run on the same plan must give the same bytes (no state left behind in scratch).
        var again = session.Run(feeds);
        for (int k = 0; k < outputs; k++)
            OpRunner.AssertSame(result[outNames[k]], again[outNames[k]], $"{op} output {k}: second run");
        return outNames.Select(n => result[n]).ToArray();
    }

    /// <summary>Deterministic values in [−scale, scale].</summary>
    public static float[] Random(long count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var v = new float[count];
        for (long i = 0; i < count; i++)
            v[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return v;
    }

    public static Tensor RandomTensor(int seed, params int[] shape) => Tensor.FromArray(Random(shape.Aggregate(1L, (a, d) => a * d), seed), shape);

    /// <summary>Floats within <c>tol·(1 + |expected|)</c>; NaN matches NaN.</summary>
    public static void AssertClose(float[] expected, Tensor actual, float tol, string what)
    {
        var a = actual.ToArray<float>();
        Assert.True(expected.Length == a.Length, $"{what}: {a.Length} elements, expected {expected.Length}");
        for (int i = 0; i < a.Length; i++)
        {
            bool ok = float.IsNaN(expected[i]) ? float.IsNaN(a[i])
                : expected[i] == a[i] || Math.Abs(expected[i] - a[i]) <= tol * (1 + Math.Abs(expected[i]));
            if (!ok)
                Assert.Fail($"{what}: element {i} is {a[i]}, expected {expected[i]}");
        }
    }
}
