using Mote.Format;

namespace Mote.Runtime.Tests;

/// <summary>
/// Runs one operator node through a real <see cref="InferenceSession"/>, with its inputs either fed at
/// run time (graph inputs) or stored as constants (so the planner folds the node while planning).
/// </summary>
internal static class NodeHarness
{
    /// <summary>
    /// Runs <paramref name="op"/> on <paramref name="inputs"/> (null = omitted optional input) and returns
    /// <paramref name="outputs"/> outputs in their compute types.
    /// </summary>
    /// <remarks>Inputs listed in <paramref name="alwaysConstant"/> are constants in both modes (axes, shapes).</remarks>
    public static Tensor[] Run(OpType op, Tensor?[] inputs, bool constants, int outputs = 1, AttributeDef[]? attributes = null,
        SessionOptions? options = null, DataType[]? declaredOutputs = null, int[]? alwaysConstant = null)
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
            if (constants || (alwaysConstant?.Contains(i) ?? false))
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
    /// Runs both ways (run time and folded) and checks they agree bit for bit, or for float outputs
    /// within 4 ulp when <paramref name="exactFold"/> is false (TensorPrimitives' transcendentals
    /// depend on where an element falls relative to vector alignment); returns the run-time outputs.
    /// </summary>
    public static Tensor[] RunBoth(OpType op, Tensor?[] inputs, int outputs = 1, AttributeDef[]? attributes = null, SessionOptions? options = null,
        bool exactFold = true, int[]? alwaysConstant = null)
    {
        var live = Run(op, inputs, constants: false, outputs, attributes, options, alwaysConstant: alwaysConstant);
        var folded = Run(op, inputs, constants: true, outputs, attributes, options);
        for (int k = 0; k < outputs; k++)
        {
            Assert.Equal(live[k].Type, folded[k].Type);
            Assert.Equal(live[k].Shape.ToArray(), folded[k].Shape.ToArray());
            bool same = live[k].Memory.Span.SequenceEqual(folded[k].Memory.Span);
            if (!same && !exactFold && live[k].Type == DataType.Float32)
                same = live[k].ToArray<float>().Zip(folded[k].ToArray<float>()).All(p => Ulps(p.First, p.Second) <= 4);
            if (!same && !exactFold && live[k].Type == DataType.Float64)
                same = live[k].ToArray<double>().Zip(folded[k].ToArray<double>()).All(p => ScalarReference.Close(p.First, p.Second, 1e-15));
            Assert.True(same, $"{op}: output {k} differs between run-time and plan-time evaluation");
        }
        return live;
    }

    /// <summary>Shortcut for one output.</summary>
    public static Tensor RunOne(OpType op, params Tensor?[] inputs) => RunBoth(op, inputs)[0];

    /// <summary>Shortcut for one output with attributes.</summary>
    public static Tensor RunOne(OpType op, AttributeDef[] attributes, params Tensor?[] inputs) => RunBoth(op, inputs, 1, attributes)[0];

    private static long Ulps(float a, float b)
    {
        if (float.IsNaN(a) && float.IsNaN(b) || a == b)
            return 0;
        long ia = BitConverter.SingleToInt32Bits(a), ib = BitConverter.SingleToInt32Bits(b);
        ia = ia < 0 ? int.MinValue - ia : ia;
        ib = ib < 0 ? int.MinValue - ib : ib;
        return Math.Abs(ia - ib);
    }

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
