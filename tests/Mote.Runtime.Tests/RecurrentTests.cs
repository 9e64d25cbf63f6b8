using Mote.Format;
using Mote.Kernels;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>
/// LSTM, GRU and RNN through real sessions against <see cref="RecurrentReference"/> (double precision, from the
/// ONNX equations): every direction and layout, ragged sequence lengths including 0, initial states, peepholes,
/// clip, custom activations, omitted bias and outputs; with the weights packed at load (constants) and read as
/// run-time inputs, at 1 and 3 threads, on the detected and the scalar kernel tier, and folded while planning.
/// </summary>
public class RecurrentTests
{
    private static readonly Dictionary<string, RecurrentCase> Cases = BuildCases();

    private static Dictionary<string, RecurrentCase> BuildCases()
    {
        var d = new Dictionary<string, RecurrentCase>();
        foreach (var op in new[] { "LSTM", "GRU", "RNN" })
        {
            foreach (var dir in new[] { "forward", "reverse", "bidirectional" })
                foreach (int layout in new[] { 0, 1 })
                {
                    d[$"{op} {dir} layout {layout} ragged [4,0,2]"] = new(op, 4, 3, 5, 7)
                    {
                        Direction = dir, Layout = layout, Lengths = [4, 0, 2], InitialH = true, InitialC = op == "LSTM",
                    };
                    d[$"{op} {dir} layout {layout} seq 1 batch 1 hidden 1"] = new(op, 1, 1, 5, 1) { Direction = dir, Layout = layout };
                }
            d[$"{op} no bias, no initial state"] = new(op, 3, 2, 5, 7) { Bias = false };
            d[$"{op} full lengths given"] = new(op, 3, 3, 5, 7) { Lengths = [3, 3, 3], Direction = "reverse" };
            d[$"{op} all lengths 0"] = new(op, 2, 2, 5, 3) { Lengths = [0, 0], InitialH = true };
            d[$"{op} input size 1 hidden 16"] = new(op, 5, 2, 1, 16) { Direction = "bidirectional", Lengths = [5, 3] };
            d[$"{op} long sequence"] = new(op, 40, 2, 5, 7) { Direction = "bidirectional", InitialH = true };
            d[$"{op} clip 0.5"] = new(op, 4, 3, 5, 7) { Clip = 0.5f, Direction = "bidirectional", Lengths = [2, 4, 1] };
        }
        // Custom activations: every named function appears, with and without explicit parameters.
        d["LSTM activations Affine LeakyRelu ScaledTanh / HardSigmoid Elu Softsign"] = new("LSTM", 4, 3, 5, 7)
        {
            Direction = "bidirectional", Activations = ["HardSigmoid", "Elu", "ScaledTanh", "Sigmoid", "Affine", "Softsign"],
            Alphas = [0.3f, 0.8f, 1.7f, 0.5f], Betas = [0.4f, 0.6f, -0.2f],
        };
        d["LSTM activations with defaults Relu ThresholdedRelu Softplus"] = new("LSTM", 3, 2, 5, 7)
        {
            Activations = ["LeakyRelu", "ThresholdedRelu", "Softplus"],
        };
        d["GRU activations Softsign Elu / HardSigmoid ScaledTanh with clip"] = new("GRU", 4, 3, 5, 7)
        {
            Direction = "bidirectional", Activations = ["Softsign", "Elu", "HardSigmoid", "ScaledTanh"], Alphas = [0.5f, 0.25f, 1.5f],
            Betas = [0.6f, 0.7f], Clip = 1.2f,
        };
        d["GRU activations Relu Affine"] = new("GRU", 3, 2, 5, 7) { Activations = ["ThresholdedRelu", "Affine"], Alphas = [0.1f, 0.5f], Betas = [0.25f] };
        d["RNN activations Relu / LeakyRelu"] = new("RNN", 4, 3, 5, 7) { Direction = "bidirectional", Activations = ["Relu", "LeakyRelu"], Alphas = [0.2f] };
        d["RNN activations Sigmoid Softplus"] = new("RNN", 4, 2, 5, 7) { Direction = "bidirectional", Activations = ["Softplus", "Sigmoid"] };
        d["RNN bidirectional one activation for both"] = new("RNN", 3, 2, 5, 7) { Direction = "bidirectional", Activations = ["Relu"] };
        // LSTM options.
        d["LSTM peepholes"] = new("LSTM", 4, 3, 5, 7) { Peepholes = true, InitialH = true, InitialC = true, Lengths = [1, 4, 3] };
        d["LSTM peepholes bidirectional layout 1 clip"] = new("LSTM", 4, 3, 5, 7)
        {
            Peepholes = true, Direction = "bidirectional", Layout = 1, Clip = 0.7f, InitialC = true, Lengths = [3, 0, 4],
        };
        d["LSTM input_forget"] = new("LSTM", 4, 3, 5, 7) { InputForget = true, Peepholes = true, Direction = "reverse", Lengths = [2, 4, 3] };
        d["LSTM initial_c only"] = new("LSTM", 3, 2, 5, 7) { InitialC = true };
        // GRU options.
        foreach (var dir in new[] { "forward", "reverse", "bidirectional" })
            foreach (int layout in new[] { 0, 1 })
                d[$"GRU linear_before_reset {dir} layout {layout}"] = new("GRU", 4, 3, 5, 7)
                {
                    LinearBeforeReset = true, Direction = dir, Layout = layout, Lengths = [3, 4, 0], InitialH = true,
                };
        d["GRU linear_before_reset no bias"] = new("GRU", 3, 2, 5, 7) { LinearBeforeReset = true, Bias = false };
        return d;
    }

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesReference(string name)
    {
        var c = Cases[name];
        var inputs = Inputs(c, seed: name.Length);
        var (y, yh, yc) = RecurrentReference.Compute(c, inputs.X, inputs.W, inputs.R, inputs.B, inputs.H0, inputs.C0, inputs.P);
        int outputs = c.Op == "LSTM" ? 3 : 2;
        var want = Enumerable.Repeat(true, outputs).ToArray();

        var packed = Run(c, inputs, want, constantWeights: true, fold: false, new SessionOptions());
        Check(c, packed, y, yh, yc, 2e-5, $"{name}, packed weights");
        AssertSame(packed, Run(c, inputs, want, constantWeights: true, fold: false, new SessionOptions { Threads = 3 }), "3 threads");
        var unpacked = Run(c, inputs, want, constantWeights: false, fold: false, new SessionOptions());
        Check(c, unpacked, y, yh, yc, 2e-5, $"{name}, weights as inputs");
        var scalar = Run(c, inputs, want, constantWeights: true, fold: false, new SessionOptions { Features = CpuFeatures.None });
        Check(c, scalar, y, yh, yc, 2e-5, $"{name}, scalar kernels");
        AssertSame(packed, Run(c, inputs, want, constantWeights: true, fold: true, new SessionOptions()), "folded while planning");
        var f64 = Run(c, inputs, want, constantWeights: true, fold: false, new SessionOptions(), DataType.Float64);
        Check(c, f64, y, yh, yc, 1e-12, $"{name}, f64");
    }

    public static TheoryData<string, int> OutputSubsets()
    {
        var d = new TheoryData<string, int>();
        foreach (var op in new[] { "LSTM", "GRU", "RNN" })
            for (int mask = 1; mask < (op == "LSTM" ? 8 : 4); mask++)
                d.Add(op, mask);
        return d;
    }

    [Theory]
    [MemberData(nameof(OutputSubsets))]
    public void AnySubsetOfOutputs(string op, int mask)
    {
        var c = new RecurrentCase(op, 4, 3, 5, 7) { Direction = "bidirectional", Lengths = [4, 1, 3], InitialH = true };
        var inputs = Inputs(c, seed: mask);
        var (y, yh, yc) = RecurrentReference.Compute(c, inputs.X, inputs.W, inputs.R, inputs.B, inputs.H0, inputs.C0, inputs.P);
        var want = Enumerable.Range(0, op == "LSTM" ? 3 : 2).Select(k => (mask >> k & 1) != 0).ToArray();
        var got = Run(c, inputs, want, constantWeights: true, fold: false, new SessionOptions());
        Check(c, got, y, yh, yc, 2e-5, $"{op} outputs mask {mask}");
    }

    [Fact]
    public void SequenceLengthsOutOfRangeAreRejected()
    {
        var c = new RecurrentCase("LSTM", 3, 2, 5, 4) { Lengths = [3, 4] };
        var e = Assert.ThrowsAny<MoteException>(() => Run(c, Inputs(c, 1), [true, true, true], true, false, new SessionOptions()));
        Assert.Contains("sequence_lens[1] = 4 is outside [0, 3]", e.Message);
        c = c with { Lengths = [-1, 2] };
        e = Assert.ThrowsAny<MoteException>(() => Run(c, Inputs(c, 1), [true, true, true], true, false, new SessionOptions()));
        Assert.Contains("sequence_lens[0] = -1", e.Message);
    }

    [Fact]
    public void BadAttributesAndShapesAreRejectedClearly()
    {
        var c = new RecurrentCase("GRU", 3, 2, 5, 4);
        var inputs = Inputs(c, 1);
        Assert.Contains("activation 'Swish'", Assert.ThrowsAny<MoteException>(() =>
            Run(c with { Activations = ["Sigmoid", "Swish"] }, inputs, [true, true], true, false, new SessionOptions())).Message);
        Assert.Contains("needs 4", Assert.ThrowsAny<MoteException>(() =>
            Run(c with { Direction = "bidirectional", Activations = ["Sigmoid", "Tanh", "Tanh"] }, Inputs(c with { Direction = "bidirectional" }, 1),
                [true, true], true, false, new SessionOptions())).Message);
        // hidden_size disagreeing with R.
        Assert.Contains("W [1,12,5] must be [1,15,5]", Assert.ThrowsAny<MoteException>(() =>
            Run(c, inputs, [true, true], true, false, new SessionOptions(), hiddenAttribute: 5)).Message);
    }

    // --- running ---

    internal sealed record RecurrentInputs(double[] X, double[] W, double[] R, double[]? B, int[]? Lengths, double[]? H0, double[]? C0, double[]? P);

    internal static RecurrentInputs Inputs(RecurrentCase c, int seed)
    {
        var rng = new Random(seed);
        double[] Values(long count, double scale) => [.. Enumerable.Range(0, (int)count).Select(_ => (rng.NextDouble() * 2 - 1) * scale)];
        int dirs = c.Directions, gh = c.Gates * c.Hidden;
        return new RecurrentInputs(
            Values((long)c.Seq * c.Batch * c.Input, 1.5),
            Values((long)dirs * gh * c.Input, 0.6),
            Values((long)dirs * gh * c.Hidden, 0.6),
            c.Bias ? Values(dirs * 2L * gh, 0.5) : null,
            c.Lengths,
            c.InitialH ? Values((long)dirs * c.Batch * c.Hidden, 0.8) : null,
            c.InitialC ? Values((long)dirs * c.Batch * c.Hidden, 0.8) : null,
            c.Peepholes ? Values(dirs * 3L * c.Hidden, 0.5) : null);
    }

    /// <summary>
    /// Runs one node. Weights (W, R, B, P) are constants or graph inputs; X, lengths and initial states are graph
    /// inputs unless <paramref name="fold"/> makes everything a constant. Omitted outputs get "" in the node.
    /// </summary>
    internal static Tensor?[] Run(RecurrentCase c, RecurrentInputs v, bool[] want, bool constantWeights, bool fold, SessionOptions options,
        DataType type = DataType.Float32, int? hiddenAttribute = null)
    {
        int dirs = c.Directions, gh = c.Gates * c.Hidden;
        Tensor F(double[] data, params int[] shape) => type == DataType.Float64
            ? Tensor.FromArray(data, shape) : Tensor.FromArray(data.Select(e => (float)e).ToArray(), shape);
        var slots = new List<(Tensor? Value, bool Constant)>
        {
            (F(v.X, c.XShape), fold),
            (F(v.W, dirs, gh, c.Input), fold || constantWeights),
            (F(v.R, dirs, gh, c.Hidden), fold || constantWeights),
            (v.B is null ? null : F(v.B, dirs, 2 * gh), fold || constantWeights),
            (v.Lengths is null ? null : Tensor.FromArray(v.Lengths, c.Batch), fold),
            (v.H0 is null ? null : F(v.H0, c.StateShape), fold),
        };
        if (c.Op == "LSTM")
        {
            slots.Add((v.C0 is null ? null : F(v.C0, c.StateShape), fold));
            slots.Add((v.P is null ? null : F(v.P, dirs, 3 * c.Hidden), fold || constantWeights));
        }
        while (slots[^1].Value is null)
            slots.RemoveAt(slots.Count - 1);

        var model = new ModelDef();
        var feeds = new List<NamedTensor>();
        var names = new string[slots.Count];
        for (int i = 0; i < slots.Count; i++)
        {
            if (slots[i].Value is not { } t)
            {
                names[i] = "";
                continue;
            }
            names[i] = $"in{i}";
            var dims = t.Shape.ToArray().Select(e => (Dim)e).ToArray();
            if (slots[i].Constant)
                model.Add(new TensorDef(names[i], t.Type, dims, t.Memory.ToArray()));
            else
            {
                model.Add(new TensorDef(names[i], t.Type, dims));
                model.Graph.Inputs.Add(names[i]);
                feeds.Add(new NamedTensor(names[i], t));
            }
        }
        var outNames = want.Select((w, k) => w ? $"out{k}" : "").ToArray();
        foreach (var n in outNames.Where(n => n.Length > 0))
        {
            model.Add(new TensorDef(n, DataType.Undefined, null));
            model.Graph.Outputs.Add(n);
        }
        var attrs = new List<AttributeDef> { AttributeDef.FromString("direction", c.Direction), AttributeDef.FromInt("hidden_size", hiddenAttribute ?? c.Hidden) };
        if (c.Layout != 0)
            attrs.Add(AttributeDef.FromInt("layout", c.Layout));
        if (c.Clip is { } clip)
            attrs.Add(AttributeDef.FromFloat("clip", clip));
        if (c.Activations is { } acts)
            attrs.Add(AttributeDef.FromStrings("activations", acts));
        if (c.Alphas is { } alphas)
            attrs.Add(AttributeDef.FromFloats("activation_alpha", alphas));
        if (c.Betas is { } betas)
            attrs.Add(AttributeDef.FromFloats("activation_beta", betas));
        if (c.InputForget)
            attrs.Add(AttributeDef.FromInt("input_forget", 1));
        if (c.LinearBeforeReset)
            attrs.Add(AttributeDef.FromInt("linear_before_reset", 1));
        var op = c.Op switch { "LSTM" => OpType.LSTM, "GRU" => OpType.GRU, _ => OpType.RNN };
        model.Graph.Nodes.Add(new NodeDef(op, "node", names, outNames, [.. attrs]));
        using var session = MoteModel.FromDefinition(model).CreateSession(options);
        var result = session.Run(feeds);
        var again = session.Run(feeds);
        var outs = outNames.Select(n => n.Length == 0 ? null : result[n]).ToArray();
        for (int k = 0; k < outs.Length; k++)
            if (outs[k] is { } t)
                OpRunner.AssertSame(t, again[outNames[k]], $"output {k}: second run");
        return outs;
    }

    private static void Check(RecurrentCase c, Tensor?[] got, double[] y, double[] yh, double[] yc, double tol, string what)
    {
        var expected = new[] { (y, c.YShape), (yh, c.StateShape), (yc, c.StateShape) };
        for (int k = 0; k < got.Length; k++)
        {
            if (got[k] is not { } t)
                continue;
            Assert.Equal(expected[k].Item2, t.Shape.ToArray());
            var actual = t.Type == DataType.Float64 ? t.ToArray<double>() : t.ToArray<float>().Select(e => (double)e).ToArray();
            var exp = expected[k].Item1;
            Assert.Equal(exp.Length, actual.Length);
            for (int i = 0; i < exp.Length; i++)
                if (!(Math.Abs(actual[i] - exp[i]) <= tol * (1 + Math.Abs(exp[i]))))
                    Assert.Fail($"{what}: output {k} element {i} is {actual[i]}, expected {exp[i]}");
        }
    }

    private static void AssertSame(Tensor?[] a, Tensor?[] b, string what)
    {
        for (int k = 0; k < a.Length; k++)
            if (a[k] is { } t)
                OpRunner.AssertSame(t, b[k]!, $"output {k}: {what}");
    }
}
