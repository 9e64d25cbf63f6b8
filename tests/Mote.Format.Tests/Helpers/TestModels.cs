using Mote.Format;

namespace Mote.Format.Tests.Helpers;

/// <summary>Models used across the tests.</summary>
internal static class TestModels
{
    /// <summary>Every feature of the format: all data types, symbolic dims, quantization, every attribute type, nested subgraphs.</summary>
    public static ModelDef FullFeature()
    {
        var m = new ModelDef();
        var g = m.Graph;
        g.Name = "main";
        m.Value("x", DataType.Float32, Dim.Symbolic("batch"), 3, Dim.Symbolic("H"), Dim.Symbolic("W"));
        m.Value("cond", DataType.Bool);
        m.Add(new TensorDef("trip", DataType.Int64, [])); // rank 0
        m.Add(new TensorDef("opaque", DataType.Float32, null)); // unknown rank
        g.Inputs.AddRange(["x", "cond", "trip", "opaque"]);

        // One constant of every data type, each read by an Identity node.
        var constants = new List<TensorDef>
        {
            m.Constant("c_f32", DataType.Float32, [2, 2], new[] { 1.5f, -0f, float.NaN, float.NegativeInfinity }),
            m.Constant("c_u8", DataType.UInt8, [3], new byte[] { 0, 128, 255 }),
            m.Constant("c_i8", DataType.Int8, [3], new sbyte[] { -128, 0, 127 }),
            m.Constant("c_u16", DataType.UInt16, [2], new ushort[] { 0, 65535 }),
            m.Constant("c_i16", DataType.Int16, [2], new short[] { -32768, 32767 }),
            m.Constant("c_i32", DataType.Int32, [2], new[] { int.MinValue, int.MaxValue }),
            m.Constant("c_i64", DataType.Int64, [2], new[] { long.MinValue, long.MaxValue }),
            m.Constant("c_bool", DataType.Bool, [4], new byte[] { 1, 0, 0, 1 }),
            m.Constant("c_f16", DataType.Float16, [3], new[] { ModelBuilder.F16(1f), ModelBuilder.F16(-2.5f), ModelBuilder.F16(65504f) }),
            m.Constant("c_f64", DataType.Float64, [1], new[] { Math.PI }),
            m.Constant("c_u32", DataType.UInt32, [1], new[] { uint.MaxValue }),
            m.Constant("c_u64", DataType.UInt64, [1], new[] { ulong.MaxValue }),
            m.Constant("c_bf16", DataType.BFloat16, [2], new[] { ModelBuilder.BF16(1f), ModelBuilder.BF16(-3f) }),
            m.Constant("c_empty", DataType.Float32, [0, 5], Array.Empty<float>()),
            m.Constant("c_scalar", DataType.Float32, [], new[] { 42f }),
        };
        foreach (var c in constants)
        {
            m.Value("id_" + c.Name, c.Type, c.Shape!);
            g.Node(OpType.Identity, "identity_" + c.Name, [c.Name], ["id_" + c.Name]);
            g.Outputs.Add("id_" + c.Name);
        }

        // Quantization: per-axis int8 weights, per-tensor uint8 activation.
        var w = m.Constant("w_q", DataType.Int8, [4, 3, 1, 1], Enumerable.Range(0, 12).Select(i => (sbyte)(i * 10 - 60)).ToArray());
        w.Quant = new QuantParams([0.5f, 0.25f, 0.125f, 1e-3f], [0, 0, 0, 0], axis: 0);
        m.Value("x_q", DataType.UInt8, Dim.Symbolic("batch"), 3, Dim.Symbolic("H"), Dim.Symbolic("W")).Quant = new QuantParams([0.02f], [128]);
        m.Value("y_q", DataType.UInt8, Dim.Symbolic("batch"), 4, Dim.Symbolic("H"), Dim.Symbolic("W")).Quant = new QuantParams([0.05f], [3]);
        m.Constant("x_scale", DataType.Float32, [], new[] { 0.02f });
        m.Constant("x_zp", DataType.UInt8, [], new byte[] { 128 });
        g.Node(OpType.QuantizeLinear, "quant", ["x", "x_scale", "x_zp"], ["x_q"]);
        // An omitted optional input (bias) and an omitted optional output.
        g.Node(OpType.ConvInteger, "conv_q", ["x_q", "w_q", "", ""], ["y_q"], AttributeDef.FromInts("kernel_shape", [1, 1]));
        m.Value("drop_out", DataType.Float32, Dim.Symbolic("batch"), 3, Dim.Symbolic("H"), Dim.Symbolic("W"));
        g.Node(OpType.Dropout, "dropout", ["x", "", ""], ["drop_out", ""]);
        g.Outputs.Add("y_q");

        // Every attribute type on one node, awkward values included.
        m.Constant("attr_tensor", DataType.Float32, [2], new[] { 7f, 8f });
        m.Value("attrs_out", DataType.Float32, Dim.Symbolic("batch"), 3, Dim.Symbolic("H"), Dim.Symbolic("W"));
        g.Node(OpType.Relu, "all_attributes", ["drop_out"], ["attrs_out"],
            AttributeDef.FromInt("i", long.MinValue),
            AttributeDef.FromFloat("f", float.NaN),
            AttributeDef.FromFloat("neg_zero", -0f),
            AttributeDef.FromString("s", "héllo ✓ 😀"),
            AttributeDef.FromString("empty", ""),
            AttributeDef.FromInts("is", [1, -1, long.MaxValue]),
            AttributeDef.FromInts("no_ints", []),
            AttributeDef.FromFloats("fs", [0.1f, float.PositiveInfinity, float.Epsilon]),
            AttributeDef.FromStrings("ss", ["a", "", "ünï"]),
            AttributeDef.FromTensor("t", m.Tensor("attr_tensor")));
        g.Outputs.Add("attrs_out");

        // If whose branches read outer tensors (x, attrs_out, a constant).
        m.Value("then_out", DataType.Float32, Dim.Symbolic("batch"), 3, Dim.Symbolic("H"), Dim.Symbolic("W"));
        m.Value("else_out", DataType.Float32, Dim.Symbolic("batch"), 3, Dim.Symbolic("H"), Dim.Symbolic("W"));
        m.Value("if_out", DataType.Float32, Dim.Symbolic("batch"), 3, Dim.Symbolic("H"), Dim.Symbolic("W"));
        var thenBranch = new GraphDef { Name = "then" };
        thenBranch.Node(OpType.Add, "then_add", ["x", "attrs_out"], ["then_out"]);
        thenBranch.Outputs.Add("then_out");
        var elseBranch = new GraphDef { Name = "else" };
        elseBranch.Node(OpType.Mul, "else_mul", ["x", "c_scalar"], ["else_out"]);
        elseBranch.Outputs.Add("else_out");
        g.Node(OpType.If, "if", ["cond"], ["if_out"], AttributeDef.FromGraph("then_branch", thenBranch), AttributeDef.FromGraph("else_branch", elseBranch));
        g.Outputs.Add("if_out");

        // Loop whose body has its own inputs, reads an outer tensor and nests an If (depth 2).
        m.Value("iter", DataType.Int64);
        m.Value("loop_cond_in", DataType.Bool);
        m.Value("acc_in", DataType.Float32, Dim.Symbolic("batch"), 3, Dim.Symbolic("H"), Dim.Symbolic("W"));
        m.Value("loop_cond_out", DataType.Bool);
        m.Value("acc_out", DataType.Float32, Dim.Symbolic("batch"), 3, Dim.Symbolic("H"), Dim.Symbolic("W"));
        m.Value("inner_out", DataType.Float32, Dim.Symbolic("batch"), 3, Dim.Symbolic("H"), Dim.Symbolic("W"));
        m.Value("inner_else_out", DataType.Float32, Dim.Symbolic("batch"), 3, Dim.Symbolic("H"), Dim.Symbolic("W"));
        m.Value("loop_out", DataType.Float32, Dim.Symbolic("batch"), 3, Dim.Symbolic("H"), Dim.Symbolic("W"));
        var innerThen = new GraphDef { Name = "inner_then" };
        innerThen.Node(OpType.Add, "inner_add", ["acc_in", "if_out"], ["inner_out"]); // body input + main-graph tensor
        innerThen.Outputs.Add("inner_out");
        var innerElse = new GraphDef { Name = "inner_else" };
        innerElse.Node(OpType.Identity, "inner_identity", ["acc_in"], ["inner_else_out"]);
        innerElse.Outputs.Add("inner_else_out");
        var body = new GraphDef { Name = "body" };
        body.Inputs.AddRange(["iter", "loop_cond_in", "acc_in"]);
        body.Node(OpType.Identity, "cond_pass", ["loop_cond_in"], ["loop_cond_out"]);
        body.Node(OpType.If, "inner_if", ["cond"], ["acc_out"], AttributeDef.FromGraph("then_branch", innerThen), AttributeDef.FromGraph("else_branch", innerElse));
        body.Outputs.AddRange(["loop_cond_out", "acc_out"]);
        g.Node(OpType.Loop, "loop", ["trip", "", "x"], ["loop_out"], AttributeDef.FromGraph("body", body));
        g.Outputs.Add("loop_out");

        var md = m.Metadata;
        md.Producer = "mote-tests";
        md.ProducerVersion = "1.2.3-test";
        md.SourceSha256 = Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 1)).ToArray();
        md.Opsets.Add(new OpsetImport("", 21));
        md.Opsets.Add(new OpsetImport("com.microsoft", 1));
        md.Properties.Add(new("doc", "a test model\nwith two lines"));
        md.Properties.Add(new("labels", "cat,dog"));
        md.Properties.Add(new("doc", "a repeated key keeps its order"));
        return m;
    }

    /// <summary>
    /// A synthetic conv net of realistic size (about 100 tensors, a few MB of weights): f32, f16 and per-channel
    /// int8 weights, residual blocks, an If and a Loop subgraph. Deterministic for a given seed.
    /// </summary>
    public static ModelDef ConvNet(int seed = 1)
    {
        var rng = new Random(seed);
        var m = new ModelDef();
        var g = m.Graph;
        g.Name = "convnet";
        Dim batch = Dim.Symbolic("batch");
        m.Value("image", DataType.Float32, batch, 3, 96, 96);
        g.Inputs.Add("image");
        string x = "image";
        int channels = 3, size = 96, layer = 0;

        string Conv(string input, int cin, int cout, int k, int stride, bool quantized, bool half)
        {
            layer++;
            string w = $"conv{layer}.weight", b = $"conv{layer}.bias", y = $"conv{layer}.out";
            int fanIn = cin * k * k;
            float std = MathF.Sqrt(2f / fanIn);
            int count = cout * cin * k * k;
            if (quantized)
            {
                var q = new sbyte[count];
                var scales = new float[cout];
                for (int o = 0; o < cout; o++)
                {
                    scales[o] = std * 3 / 127f;
                    for (int i = 0; i < cin * k * k; i++)
                        q[o * cin * k * k + i] = (sbyte)Math.Clamp(Math.Round(Gaussian(rng) * std / scales[o]), -127, 127);
                }
                m.Constant(w + "_q", DataType.Int8, [cout, cin, k, k], q).Quant = new QuantParams(scales, new int[cout], axis: 0);
                m.Value(w, DataType.Float32, cout, cin, k, k);
                m.Constant(w + "_scale", DataType.Float32, [cout], scales);
                g.Node(OpType.DequantizeLinear, $"dq{layer}", [w + "_q", w + "_scale"], [w], AttributeDef.FromInt("axis", 0));
            }
            else if (half)
            {
                m.Constant(w + "_f16", DataType.Float16, [cout, cin, k, k], Enumerable.Range(0, count).Select(_ => ModelBuilder.F16((float)Gaussian(rng) * std)).ToArray());
                m.Value(w, DataType.Float32, cout, cin, k, k);
                g.Node(OpType.Cast, $"cast{layer}", [w + "_f16"], [w], AttributeDef.FromInt("to", (long)DataType.Float32));
            }
            else
                m.Constant(w, DataType.Float32, [cout, cin, k, k], Enumerable.Range(0, count).Select(_ => (float)Gaussian(rng) * std).ToArray());
            m.Constant(b, DataType.Float32, [cout], Enumerable.Range(0, cout).Select(_ => (float)Gaussian(rng) * 0.01f).ToArray());
            size = (size + 2 * (k / 2) - k) / stride + 1;
            m.Value(y, DataType.Float32, batch, cout, size, size);
            g.Node(OpType.Conv, $"conv{layer}", [input, w, b], [y],
                AttributeDef.FromInts("kernel_shape", [k, k]), AttributeDef.FromInts("strides", [stride, stride]),
                AttributeDef.FromInts("pads", [k / 2, k / 2, k / 2, k / 2]), AttributeDef.FromInts("dilations", [1, 1]), AttributeDef.FromInt("group", 1));
            return y;
        }

        string Relu(string input, int c)
        {
            string y = input + ".relu";
            m.Value(y, DataType.Float32, batch, c, size, size);
            g.Node(OpType.Relu, y, [input], [y]);
            return y;
        }

        x = Relu(Conv(x, channels, 32, 3, 2, false, false), channels = 32);
        int[] widths = [32, 64, 64, 128, 128, 192, 192, 256];
        for (int blk = 0; blk < widths.Length; blk++)
        {
            int cout = widths[blk];
            int stride = cout != channels ? 2 : 1;
            string a = Relu(Conv(x, channels, cout, 3, stride, quantized: blk % 3 == 1, half: blk % 3 == 2), cout);
            string c = Conv(a, cout, cout, 3, 1, quantized: blk % 2 == 1, half: false);
            if (stride == 1)
            {
                string sum = $"block{blk}.sum";
                m.Value(sum, DataType.Float32, batch, cout, size, size);
                g.Node(OpType.Add, sum, [c, x], [sum]);
                c = sum;
            }
            x = Relu(c, cout);
            channels = cout;
        }

        m.Value("pooled", DataType.Float32, batch, channels, 1, 1);
        g.Node(OpType.GlobalAveragePool, "gap", [x], ["pooled"]);
        m.Value("flat", DataType.Float32, batch, channels);
        g.Node(OpType.Flatten, "flatten", ["pooled"], ["flat"], AttributeDef.FromInt("axis", 1));
        m.Constant("fc.weight", DataType.Float32, [100, channels], Enumerable.Range(0, 100 * channels).Select(_ => (float)Gaussian(rng) * 0.05f).ToArray());
        m.Constant("fc.bias", DataType.Float32, [100], new float[100]);
        m.Value("logits", DataType.Float32, batch, 100);
        g.Node(OpType.Gemm, "fc", ["flat", "fc.weight", "fc.bias"], ["logits"], AttributeDef.FromInt("transB", 1), AttributeDef.FromFloat("alpha", 1f));

        // Post-processing with an If (temperature or not) and a Loop (iterative smoothing).
        m.Value("use_temperature", DataType.Bool);
        g.Inputs.Add("use_temperature");
        m.Constant("temperature", DataType.Float32, [], new[] { 0.7f });
        foreach (var n in new[] { "scaled", "unscaled", "chosen" })
            m.Value(n, DataType.Float32, batch, 100);
        var thenG = new GraphDef { Name = "with_temperature" };
        thenG.Node(OpType.Div, "div_t", ["logits", "temperature"], ["scaled"]);
        thenG.Outputs.Add("scaled");
        var elseG = new GraphDef { Name = "without_temperature" };
        elseG.Node(OpType.Identity, "keep", ["logits"], ["unscaled"]);
        elseG.Outputs.Add("unscaled");
        g.Node(OpType.If, "maybe_temperature", ["use_temperature"], ["chosen"], AttributeDef.FromGraph("then_branch", thenG), AttributeDef.FromGraph("else_branch", elseG));

        m.Constant("smooth_steps", DataType.Int64, [], new[] { 3L });
        m.Constant("true", DataType.Bool, [], new byte[] { 1 });
        m.Constant("half", DataType.Float32, [], new[] { 0.5f });
        m.Value("i", DataType.Int64);
        m.Value("c_in", DataType.Bool);
        m.Value("c_out", DataType.Bool);
        foreach (var n in new[] { "s_in", "s_sum", "s_out", "smoothed" })
            m.Value(n, DataType.Float32, batch, 100);
        var body = new GraphDef { Name = "smooth_body" };
        body.Inputs.AddRange(["i", "c_in", "s_in"]);
        body.Node(OpType.Identity, "cond_keep", ["c_in"], ["c_out"]);
        body.Node(OpType.Add, "s_add", ["s_in", "chosen"], ["s_sum"]);
        body.Node(OpType.Mul, "s_half", ["s_sum", "half"], ["s_out"]);
        body.Outputs.AddRange(["c_out", "s_out"]);
        g.Node(OpType.Loop, "smooth", ["smooth_steps", "true", "chosen"], ["smoothed"], AttributeDef.FromGraph("body", body));
        m.Value("probs", DataType.Float32, batch, 100);
        g.Node(OpType.Softmax, "softmax", ["smoothed"], ["probs"], AttributeDef.FromInt("axis", -1));
        g.Outputs.AddRange(["probs", "logits"]);

        m.Metadata.Producer = "mote-tests";
        m.Metadata.ProducerVersion = "synthetic-convnet";
        m.Metadata.Opsets.Add(new OpsetImport("", 21));
        m.Metadata.Properties.Add(new("task", "classification"));
        return m;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
