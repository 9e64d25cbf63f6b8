using Mote.Format;

namespace Mote.Runtime.Tests;

/// <summary>
/// Runs one operator node through a real <see cref="InferenceSession"/>, with its inputs either fed at
/// run time (graph inputs) or stored as constants (so the planner folds the node while planning).
/// </summary>
internal static class OpRunner
{
    /// <summary>
    /// Runs <paramref name="op"/> on <paramref name="inputs"/> (null = omitted optional input) and returns
    /// <paramref name="outputs"/> outputs in their compute types.
    /// </summary>
    public static Tensor[] Run(OpType op, Tensor?[] inputs, bool constants, int outputs = 1, AttributeDef[]? attributes = null,
        SessionOptions? options = null, DataType[]? declaredOutputs = null)
    {
        var b = new ModelBuilder();
        var names = new string[inputs.Length];
        var feeds = new List<NamedTensor>();
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i];
            if (t is null)
            {
                names[i] = "";
                continue;
            }
            names[i] = $"in{i}";
            var shape = t.Shape.ToArray().Select(d => (Dim)d).ToArray();
            if (constants)
                b.Model.Add(new TensorDef(names[i], t.Type, shape, t.Memory.ToArray()));
            else
            {
                b.Input(names[i], t.Type, shape);
                feeds.Add(new NamedTensor(names[i], t));
            }
        }
        var outNames = Enumerable.Range(0, outputs).Select(k => $"out{k}").ToArray();
        b.Node(op, names, outNames, attributes ?? []);
        for (int k = 0; k < outputs; k++)
            b.Output(outNames[k], declaredOutputs?[k] ?? DataType.Undefined);
        using var session = b.Session(options);
        var result = session.Run(feeds.ToArray());
        return outNames.Select(n => result[n]).ToArray();
    }

    /// <summary>
    /// Runs both ways (run time and folded) and checks they agree bit for bit; returns the outputs.
    /// </summary>
    public static Tensor[] RunBoth(OpType op, Tensor?[] inputs, int outputs = 1, AttributeDef[]? attributes = null, SessionOptions? options = null)
    {
        var live = Run(op, inputs, constants: false, outputs, attributes, options);
        var folded = Run(op, inputs, constants: true, outputs, attributes, options);
        for (int k = 0; k < outputs; k++)
        {
            Assert.Equal(live[k].Type, folded[k].Type);
            Assert.Equal(live[k].Shape.ToArray(), folded[k].Shape.ToArray());
            Assert.True(live[k].Memory.Span.SequenceEqual(folded[k].Memory.Span), $"{op}: output {k} differs between run-time and plan-time evaluation");
        }
        return live;
    }

    /// <summary>Shortcut for one output.</summary>
    public static Tensor RunOne(OpType op, params Tensor?[] inputs) => RunBoth(op, inputs)[0];

    /// <summary>Shortcut for one output with attributes.</summary>
    public static Tensor RunOne(OpType op, AttributeDef[] attributes, params Tensor?[] inputs) => RunBoth(op, inputs, 1, attributes)[0];

    private static class Assert
    {
        public static void Equal<T>(T a, T b)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b))
                throw new Xunit.Sdk.XunitException($"expected {a}, got {b}");
        }

        public static void Equal(int[] a, int[] b)
        {
            if (!a.AsSpan().SequenceEqual(b))
                throw new Xunit.Sdk.XunitException($"shape [{string.Join(",", a)}] vs [{string.Join(",", b)}]");
        }

        public static void True(bool c, string message)
        {
            if (!c)
                throw new Xunit.Sdk.XunitException(message);
        }
    }
}
