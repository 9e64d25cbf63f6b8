using Mote.Format;
using Mote.Kernels.Attention;
using Mote.Kernels.Elementwise;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Transformer;

/// <summary>
/// ONNX Attention (opset 23/24) in f32: Y = softmax(mask(softcap(scale·Q·Kᵀ)))·V per head, with 3-D
/// [B, S, H·d] or 4-D [B, H, S, d] Q/K/V, grouped-query heads, a float or bool mask broadcast to
/// [B, Hq, S_q, T] (a mask shorter than T along the keys removes the keys beyond it), <c>is_causal</c>
/// (aligned to the end of the past), past/present key and value caches, <c>nonpad_kv_seqlen</c> key
/// padding, and the optional qk_matmul_output at the stage <c>qk_matmul_output_mode</c> names
/// (0 product, 1 after the soft cap, 2 after the masks, 3 after the softmax).
/// </summary>
/// <remarks>
/// The work is one fused kernel (<see cref="AttentionF32"/>). Caches: with past_key/past_value the keys
/// and values are first laid out as present = concat(past, new) (in the present outputs, or in scratch
/// when those are not requested) and the kernel reads them there; without a past it reads K and V where
/// they are. <c>softmax_precision</c> is accepted for any float type: the softmax always runs in f32.
/// </remarks>
internal sealed unsafe class AttentionOperator : Operator
{
    private readonly bool _causal;
    private readonly long _qHeads, _kvHeads;
    private readonly AttentionScoreStage _stage;
    private readonly float? _scale;
    private readonly float _softcap;

    public AttentionOperator(NodeDef node) : base(node)
    {
        _causal = node.GetInt("is_causal", 0) != 0;
        _qHeads = node.GetInt("q_num_heads", 0);
        _kvHeads = node.GetInt("kv_num_heads", 0);
        long mode = node.GetInt("qk_matmul_output_mode", 0);
        _stage = mode is >= 0 and <= 3 ? (AttentionScoreStage)mode : throw new MoteNotSupportedException($"Attention qk_matmul_output_mode {mode} is not 0-3");
        _scale = node.Attribute("scale") is not null ? node.GetFloat("scale", 0) : null;
        _softcap = node.GetFloat("softcap", 0);
        if (_softcap < 0 || float.IsNaN(_softcap))
            throw new MoteNotSupportedException($"Attention softcap {_softcap} must be ≥ 0");
        long precision = node.GetInt("softmax_precision", (long)DataType.Float32);
        if ((DataType)precision is not (DataType.Float32 or DataType.Float16 or DataType.BFloat16 or DataType.Float64))
            throw new MoteNotSupportedException($"Attention softmax_precision {precision} is not a float type");
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "Q", DataType.Float32);
        ctx.ExpectType(1, "K", DataType.Float32);
        ctx.ExpectType(2, "V", DataType.Float32);
        var g = Geometry(ctx);
        if (ctx.HasInput(3))
        {
            ctx.ExpectType(3, "attn_mask", DataType.Float32, DataType.Bool);
            MaskStrides(ctx.InputShape(3), g);
        }
        if (ctx.HasInput(4))
        {
            ctx.ExpectType(4, "past_key", DataType.Float32);
            ctx.ExpectType(5, "past_value", DataType.Float32);
        }
        if (ctx.HasInput(6))
        {
            ctx.ExpectType(6, "nonpad_kv_seqlen", DataType.Int64);
            if (ctx.InputRank(6) != 1 || ctx.InputShape(6)[0] != g.Batch)
                throw new MoteShapeException($"nonpad_kv_seqlen {ShapeMath.Format(ctx.InputShape(6))} must be [{g.Batch}]");
        }
        ctx.SetOutput(0, DataType.Float32, g.OutputShape);
        ctx.SetOutput(1, DataType.Float32, g.PresentKeyShape);
        ctx.SetOutput(2, DataType.Float32, g.PresentValueShape);
        ctx.SetOutput(3, DataType.Float32, g.ScoresShape);
        var args = new AttentionArgs { QueryLength = g.QueryLength, KvLength = g.KvLength };
        long floats = AttentionF32.ScratchFloats(in args);
        if (g.PastLength > 0 || ctx.HasInput(4))
        {
            // Concatenated caches live in scratch when the present outputs are not requested.
            if (!Requested(1))
                floats += Align(ShapeMath.Count(g.PresentKeyShape));
            if (!Requested(2))
                floats += Align(ShapeMath.Count(g.PresentValueShape));
        }
        ctx.RequestScratch(floats * sizeof(float));
    }

    public override void Execute(in NodeContext ctx)
    {
        var q = ctx.Input(0);
        var k = ctx.Input(1);
        var v = ctx.Input(2);
        var pastKey = ctx.Input(4);
        var pastValue = ctx.Input(5);
        var g = AttentionGeometry.Resolve(q.Shape, k.Shape, v.Shape, pastKey.IsNone ? null : pastKey.Shape, pastValue.IsNone ? null : pastValue.Shape, _qHeads, _kvHeads);
        var args = new AttentionArgs
        {
            Batch = g.Batch, QueryHeads = g.QueryHeads, KvHeads = g.KvHeads, QueryLength = g.QueryLength, KvLength = g.KvLength,
            HeadSize = g.HeadSize, ValueHeadSize = g.ValueHeadSize,
            Query = View((float*)q.Data, g, g.QueryHeads, g.QueryLength, g.HeadSize),
            Output = View((float*)ctx.Output(0).Data, g, g.QueryHeads, g.QueryLength, g.ValueHeadSize),
            Scale = _scale ?? 1 / MathF.Sqrt(g.HeadSize),
            Softcap = _softcap,
            Causal = _causal,
        };
        long scratchAt = Align(AttentionF32.ScratchFloats(in args));
        var newKeys = View((float*)k.Data, g, g.KvHeads, g.NewKvLength, g.HeadSize);
        var newValues = View((float*)v.Data, g, g.KvHeads, g.NewKvLength, g.ValueHeadSize);
        args.Key = Present(ctx, 1, (float*)pastKey.Data, newKeys, g, g.HeadSize, ref scratchAt);
        args.Value = Present(ctx, 2, (float*)pastValue.Data, newValues, g, g.ValueHeadSize, ref scratchAt);
        args.CausalOffset = g.PastLength;

        var mask = ctx.Input(3);
        if (!mask.IsNone)
        {
            var (batch, head, row, cols) = MaskStrides(mask.Shape, g);
            args.MaskKind = mask.Type == DataType.Bool ? AttentionMaskKind.Boolean : AttentionMaskKind.Additive;
            args.Mask = mask.Data;
            args.MaskBatchStride = batch;
            args.MaskHeadStride = head;
            args.MaskRowStride = row;
            args.MaskColumns = cols;
        }
        var valid = ctx.Input(6);
        if (!valid.IsNone)
        {
            args.KvValidLengths = (long*)valid.Data;
            args.CausalOffsetFromValidLengths = pastKey.IsNone;
        }
        var scores = ctx.Output(3);
        if (!scores.IsNone)
        {
            long t = g.KvLength;
            args.Scores = new AttentionTensor((float*)scores.Data, g.QueryHeads * g.QueryLength * t, g.QueryLength * t, t);
            args.ScoreStage = _stage;
        }
        var width = SimdWidths.For(ctx.Kernels.Features);
        AttentionF32.Run(in args, ctx.Kernels.Sgemm, width, ctx.Pool, ctx.ScratchAs<float>(0, (int)AttentionF32.ScratchFloats(in args)));
    }

    private AttentionGeometry Geometry(ShapeContext ctx) => AttentionGeometry.Resolve(ctx.InputShape(0), ctx.InputShape(1), ctx.InputShape(2),
        ctx.HasInput(4) ? ctx.InputShape(4) : null, ctx.HasInput(5) ? ctx.InputShape(5) : null, _qHeads, _kvHeads);

    private bool Requested(int output) => output < Node.Outputs.Count && Node.Outputs[output].Length > 0;

    /// <summary>Q, K, V or Y as a strided [B, H, S, d] view of its 3-D or 4-D storage.</summary>
    private static AttentionTensor View(float* data, in AttentionGeometry g, int heads, int length, int size) => g.ThreeD
        ? new AttentionTensor(data, (long)length * heads * size, size, (long)heads * size)
        : new AttentionTensor(data, (long)heads * length * size, (long)length * size, size);

    /// <summary>
    /// The keys (or values) the kernel reads: the new ones in place when there is no past; otherwise
    /// concat(past, new) along the sequence, written to present output <paramref name="output"/> or to scratch.
    /// Without a past, a requested present output still receives the new rows in [B, Hkv, T, d] layout.
    /// </summary>
    private static AttentionTensor Present(in NodeContext ctx, int output, float* past, AttentionTensor fresh, in AttentionGeometry g, int size, ref long scratchAt)
    {
        var present = ctx.Output(output);
        if (past == null && present.IsNone)
            return fresh;
        float* dst;
        if (!present.IsNone)
            dst = (float*)present.Data;
        else
        {
            long count = (long)g.Batch * g.KvHeads * g.KvLength * size;
            fixed (float* s = ctx.ScratchAs<float>(scratchAt * sizeof(float), (int)count))
                dst = s;
            scratchAt += Align(count);
        }
        int p = g.PastLength, t = g.KvLength;
        for (int b = 0; b < g.Batch; b++)
            for (int h = 0; h < g.KvHeads; h++)
            {
                float* head = dst + ((long)b * g.KvHeads + h) * t * size;
                if (p > 0)
                    new ReadOnlySpan<float>(past + ((long)b * g.KvHeads + h) * p * size, p * size).CopyTo(new Span<float>(head, p * size));
                for (int s = 0; s < g.NewKvLength; s++)
                    new ReadOnlySpan<float>(fresh.Row(b, h, s), size).CopyTo(new Span<float>(head + (long)(p + s) * size, size));
            }
        return past == null ? fresh : new AttentionTensor(dst, (long)g.KvHeads * t * size, (long)t * size, size);
    }

    /// <summary>
    /// Element strides of the mask along [B, Hq, S_q] (0 where it broadcasts) and its key columns. The mask
    /// aligns to [B, Hq, S_q, T] from the right; its last dimension may be shorter than T.
    /// </summary>
    private static (long Batch, long Head, long Row, int Columns) MaskStrides(int[] m, in AttentionGeometry g)
    {
        Span<int> target = [g.Batch, g.QueryHeads, g.QueryLength, g.KvLength];
        Span<long> strides = stackalloc long[3];
        if (m.Length is < 1 or > 4 || m[^1] > g.KvLength)
            throw MaskError(m, g);
        long stride = m[^1];
        for (int i = 2; i >= 0; i--)
        {
            int mi = i - (4 - m.Length);
            int dim = mi >= 0 ? m[mi] : 1;
            if (dim != 1 && dim != target[i])
                throw MaskError(m, g);
            strides[i] = dim == 1 ? 0 : stride;
            stride *= dim;
        }
        return (strides[0], strides[1], strides[2], m[^1]);
    }

    private static MoteShapeException MaskError(int[] m, in AttentionGeometry g) => new(
        $"attn_mask {ShapeMath.Format(m)} does not broadcast to {ShapeMath.Format(g.ScoresShape)} (its last dimension may be shorter, down to none)");

    // Scratch regions start on 64-byte boundaries (16 floats).
    private static long Align(long floats) => (floats + 15) / 16 * 16;
}
