using Mote.Format;
using Mote.Kernels;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>ONNX Attention through a session against <see cref="AttentionSpec"/>, over layouts, masks, caches and score outputs.</summary>
public class AttentionTests
{
    /// <summary>One configuration. Mask: "" none, "f:dims" float, "b:dims" bool (dims comma-separated, T written as 't').</summary>
    public sealed record Case(bool ThreeD, int B, int Hq, int Hkv, int Sq, int Skv, int D, int Dv, int Past = 0, string Mask = "",
        bool Causal = false, float Softcap = 0, float? Scale = null, int Mode = -1, long[]? Nonpad = null);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["4d"] = new(false, 2, 3, 3, 4, 6, 8, 8),
        ["3d"] = new(true, 2, 3, 3, 4, 6, 8, 8),
        ["3d_gqa_diff_v"] = new(true, 2, 6, 2, 5, 7, 4, 3),
        ["4d_mqa"] = new(false, 1, 4, 1, 3, 9, 5, 6),
        ["mask_2d_float"] = new(false, 2, 2, 2, 4, 6, 8, 8, Mask: "f:4,t"),
        ["mask_4d_bool"] = new(false, 2, 3, 3, 4, 6, 8, 8, Mask: "b:2,3,4,t"),
        ["mask_batch_broadcast"] = new(true, 2, 3, 3, 4, 6, 8, 8, Mask: "f:2,1,4,t"),
        ["mask_3d_heads"] = new(false, 2, 3, 3, 4, 6, 8, 8, Mask: "b:3,1,t"),
        ["mask_row_vector"] = new(false, 2, 3, 3, 4, 6, 8, 8, Mask: "f:t"),
        ["mask_shorter_than_keys"] = new(false, 1, 2, 2, 3, 4, 8, 8, Past: 6, Mask: "f:3,7"),
        ["causal"] = new(false, 2, 2, 2, 5, 5, 8, 8, Causal: true),
        ["causal_past"] = new(true, 2, 4, 2, 3, 3, 8, 6, Past: 5, Causal: true),
        ["causal_and_mask"] = new(false, 2, 2, 2, 4, 6, 8, 8, Mask: "f:2,1,4,t", Causal: true),
        ["softcap"] = new(false, 2, 3, 3, 4, 6, 8, 8, Softcap: 0.5f),
        ["scale"] = new(true, 2, 3, 3, 4, 6, 8, 8, Scale: 0.37f),
        ["qk_product"] = new(false, 2, 3, 3, 4, 6, 8, 8, Past: 2, Mask: "f:4,t", Softcap: 2f, Mode: 0),
        ["qk_softcapped"] = new(false, 2, 3, 3, 4, 6, 8, 8, Past: 2, Mask: "f:4,t", Softcap: 2f, Mode: 1),
        ["qk_masked"] = new(true, 2, 3, 3, 4, 6, 8, 8, Past: 2, Mask: "b:4,t", Causal: true, Mode: 2),
        ["qk_softmax"] = new(false, 2, 6, 3, 4, 6, 8, 8, Mask: "f:4,t", Mode: 3),
        ["nonpad_causal"] = new(false, 2, 2, 2, 3, 7, 4, 4, Causal: true, Nonpad: [5, 7]),
        ["nonpad_mask"] = new(false, 2, 3, 3, 4, 4, 8, 10, Mask: "f:2,3,4,4", Nonpad: [3, 4]),
        ["decode_gqa"] = new(true, 1, 8, 2, 1, 1, 16, 16, Past: 17, Causal: true),
        ["size_one"] = new(false, 1, 1, 1, 1, 1, 1, 1),
        ["odd_sizes"] = new(true, 3, 5, 5, 7, 13, 3, 17, Mask: "f:7,t", Softcap: 1.5f),
        ["no_queries"] = new(false, 2, 2, 2, 0, 5, 4, 4, Causal: true),
        ["many_key_blocks"] = new(false, 1, 2, 1, 20, 4000, 8, 4, Causal: true),
    };

    public static TheoryData<string> Names() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesTheSpec(string name)
    {
        var c = Cases[name];
        var (inputs, outputs, attributes, spec) = Build(c);
        Tensor? At(int i) => i < inputs.Length ? inputs[i] : null;
        var mask = At(3);
        var want = spec.Run(At(0)!.ToArray<float>(), Shape(At(0)), At(1)!.ToArray<float>(), Shape(At(1)), At(2)!.ToArray<float>(), Shape(At(2)),
            mask is null ? null : mask.Type == DataType.Bool ? mask.ToArray<bool>() : mask.ToArray<float>(), mask is null ? null : Shape(mask),
            At(4)?.ToArray<float>(), At(5)?.ToArray<float>(), At(4) is null ? null : Shape(At(4)), At(6)?.ToArray<long>());
        Check(NodeHarness.RunBoth(OpType.Attention, inputs, outputs, attributes), want, c, "1 thread");
        Check(NodeHarness.Run(OpType.Attention, inputs, false, outputs, attributes, new SessionOptions { Threads = 2 }), want, c, "2 threads");
        Check(NodeHarness.Run(OpType.Attention, inputs, false, outputs, attributes, new SessionOptions { Features = CpuFeatures.None }), want, c, "scalar kernels");
    }

    [Fact]
    public void FullyMaskedRowsAndNaNQueriesGiveNaNRows()
    {
        var c = new Case(false, 1, 1, 1, 3, 4, 2, 2, Mask: "f:3,t");
        var (inputs, outputs, attributes, _) = Build(c);
        var mask = inputs[3]!.ToArray<float>();
        for (int j = 0; j < 4; j++)
            mask[4 + j] = float.NegativeInfinity; // row 1: every key removed
        var q = inputs[0]!.ToArray<float>();
        q[4] = float.NaN; // row 2
        inputs[0] = Tensor.FromArray(q, 1, 1, 3, 2);
        inputs[3] = Tensor.FromArray(mask, 3, 4);
        var y = NodeHarness.RunBoth(OpType.Attention, inputs, outputs, attributes)[0].ToArray<float>();
        Assert.True(float.IsFinite(y[0]) && float.IsFinite(y[1]));
        Assert.True(float.IsNaN(y[2]) && float.IsNaN(y[3]) && float.IsNaN(y[4]) && float.IsNaN(y[5]));
    }

    [Fact]
    public void MaskedKeysGetExactlyZeroWeightEvenWithHugeValues()
    {
        // Soft cap before the mask: −∞ must stay −∞ so that the poisoned values never leak into Y.
        var c = new Case(false, 1, 1, 1, 4, 6, 8, 8, Mask: "f:4,t", Softcap: 0.5f);
        var (inputs, outputs, attributes, _) = Build(c);
        var mask = new float[24];
        var v = inputs[2]!.ToArray<float>();
        for (int r = 0; r < 4; r++)
            mask[r * 6 + 4] = mask[r * 6 + 5] = float.NegativeInfinity;
        for (int i = 32; i < 48; i++)
            v[i] = 1e30f;
        inputs[2] = Tensor.FromArray(v, 1, 1, 6, 8);
        inputs[3] = Tensor.FromArray(mask, 4, 6);
        var y = NodeHarness.RunBoth(OpType.Attention, inputs, outputs, attributes)[0].ToArray<float>();
        Assert.All(y, value => Assert.InRange(value, -4f, 4f));
    }

    [Fact]
    public void RejectsInconsistentInputs()
    {
        var ok = Build(new Case(false, 1, 4, 2, 3, 5, 8, 8)).Inputs;
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.Attention, [ok[0], ok[1], Tensor.FromArray(new float[40], 1, 2, 4, 5)], false));
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.Attention, [ok[0], Tensor.FromArray(new float[48], 1, 3, 2, 8), Tensor.FromArray(new float[48], 1, 3, 2, 8)], false));
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.Attention, [ok[0], ok[1], ok[2], Tensor.FromArray(new float[18], 3, 6)], false));
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.Attention, [Tensor.FromArray(new float[24], 1, 3, 8), ok[1], ok[2]], false));
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.Attention, [Tensor.FromArray(new double[96], 1, 4, 3, 8), ok[1], ok[2]], false));
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.Attention, [.. ok[..3]], false, 1, [Int("qk_matmul_output_mode", 4)]));
    }

    private static int[] Shape(Tensor? t) => t!.Shape.ToArray();

    private static (Tensor?[] Inputs, int Outputs, AttributeDef[] Attributes, AttentionSpec Spec) Build(Case c)
    {
        int t = c.Past + c.Skv;
        Tensor Make(int seed, int heads, int s, int d) => c.ThreeD
            ? Tensor.FromArray(Floats(c.B * s * heads * d, seed, -1.5f, 1.5f), c.B, s, heads * d)
            : Tensor.FromArray(Floats(c.B * heads * s * d, seed, -1.5f, 1.5f), c.B, heads, s, d);
        var inputs = new Tensor?[7];
        inputs[0] = Make(1, c.Hq, c.Sq, c.D);
        inputs[1] = Make(2, c.Hkv, c.Skv, c.D);
        inputs[2] = Make(3, c.Hkv, c.Skv, c.Dv);
        if (c.Mask.Length > 0)
        {
            var dims = c.Mask[2..].Split(',').Select(s => s == "t" ? t : int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            int n = Count(dims);
            inputs[3] = c.Mask[0] == 'b'
                ? Tensor.FromArray(Floats(n, 4).Select(x => x > -2.5f).ToArray(), dims)
                : Tensor.FromArray(Floats(n, 4, -2, 2), dims);
        }
        if (c.Past > 0)
        {
            inputs[4] = Tensor.FromArray(Floats(c.B * c.Hkv * c.Past * c.D, 5, -1.5f, 1.5f), c.B, c.Hkv, c.Past, c.D);
            inputs[5] = Tensor.FromArray(Floats(c.B * c.Hkv * c.Past * c.Dv, 6, -1.5f, 1.5f), c.B, c.Hkv, c.Past, c.Dv);
        }
        if (c.Nonpad is not null)
            inputs[6] = Tensor.FromArray(c.Nonpad, c.B);
        int last = Array.FindLastIndex(inputs, x => x is not null);
        var attributes = new List<AttributeDef>();
        if (c.ThreeD)
            attributes.AddRange([Int("q_num_heads", c.Hq), Int("kv_num_heads", c.Hkv)]);
        if (c.Causal)
            attributes.Add(Int("is_causal", 1));
        if (c.Softcap > 0)
            attributes.Add(Float("softcap", c.Softcap));
        if (c.Scale is { } s)
            attributes.Add(Float("scale", s));
        if (c.Mode >= 0)
            attributes.Add(Int("qk_matmul_output_mode", c.Mode));
        int outputs = c.Mode >= 0 ? 4 : c.Past > 0 ? 3 : 1;
        var spec = new AttentionSpec { QHeads = c.Hq, KvHeads = c.Hkv, Causal = c.Causal, Scale = c.Scale, Softcap = c.Softcap, Mode = Math.Max(0, c.Mode) };
        return (inputs[..(last + 1)], outputs, [.. attributes], spec);
    }

    private static void Check(Tensor[] got, (double[] Y, double[] PresentKey, double[] PresentValue, double[] Qk) want, Case c, string what)
    {
        AssertClose(got[0].ToArray<float>(), want.Y, 2e-5, 2e-5, $"{what}: Y");
        if (got.Length > 1)
        {
            AssertClose(got[1].ToArray<float>(), want.PresentKey, 0, 0, $"{what}: present_key");
            AssertClose(got[2].ToArray<float>(), want.PresentValue, 0, 0, $"{what}: present_value");
        }
        if (got.Length > 3)
            AssertClose(got[3].ToArray<float>(), want.Qk, 2e-5, 2e-5, $"{what}: qk_matmul_output (mode {c.Mode})");
    }
}
