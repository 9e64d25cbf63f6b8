using Mote.Format;

namespace Mote.Runtime.Operators.Transformer;

/// <summary>
/// The sizes of one ONNX Attention call, resolved from the input shapes and the head-count attributes:
/// Q/K/V either 4-D [B, H, S, d] or 3-D [B, S, H·d] (heads from <c>q_num_heads</c>/<c>kv_num_heads</c>),
/// optional past key/value [B, Hkv, P, d], so that every key/value head holds T = P + S_kv rows.
/// </summary>
internal readonly record struct AttentionGeometry(
    bool ThreeD, int Batch, int QueryHeads, int KvHeads, int QueryLength, int NewKvLength, int PastLength, int HeadSize, int ValueHeadSize)
{
    /// <summary>Key/value rows per head, past included.</summary>
    public int KvLength => PastLength + NewKvLength;

    /// <summary>Resolves and validates the sizes; throws <see cref="MoteShapeException"/> when the inputs disagree.</summary>
    public static AttentionGeometry Resolve(int[] q, int[] k, int[] v, int[]? pastKey, int[]? pastValue, long qHeadsAttr, long kvHeadsAttr)
    {
        if (q.Length != k.Length || q.Length != v.Length || q.Length is not (3 or 4))
            throw new MoteShapeException($"Q {ShapeMath.Format(q)}, K {ShapeMath.Format(k)} and V {ShapeMath.Format(v)} must all be 3-D or all 4-D");
        AttentionGeometry g;
        if (q.Length == 4)
        {
            g = new(false, q[0], q[1], k[1], q[2], k[2], 0, q[3], v[3]);
            if (k[3] != q[3])
                throw new MoteShapeException($"Q head size {q[3]} differs from K's {k[3]}");
            if (v[1] != k[1] || v[2] != k[2])
                throw new MoteShapeException($"V {ShapeMath.Format(v)} must have K's heads and length {ShapeMath.Format(k)}");
            if (qHeadsAttr > 0 && qHeadsAttr != q[1] || kvHeadsAttr > 0 && kvHeadsAttr != k[1])
                throw new MoteShapeException($"q_num_heads {qHeadsAttr} / kv_num_heads {kvHeadsAttr} disagree with Q {ShapeMath.Format(q)} and K {ShapeMath.Format(k)}");
        }
        else
        {
            if (qHeadsAttr <= 0 || kvHeadsAttr <= 0)
                throw new MoteShapeException("3-D Q/K/V need the q_num_heads and kv_num_heads attributes");
            int hq = checked((int)qHeadsAttr), hkv = checked((int)kvHeadsAttr);
            if (q[2] % hq != 0 || k[2] % hkv != 0 || v[2] % hkv != 0)
                throw new MoteShapeException($"hidden sizes of Q {ShapeMath.Format(q)}, K {ShapeMath.Format(k)}, V {ShapeMath.Format(v)} are not multiples of {hq} / {hkv} heads");
            g = new(true, q[0], hq, hkv, q[1], k[1], 0, q[2] / hq, v[2] / hkv);
            if (k[2] / hkv != g.HeadSize)
                throw new MoteShapeException($"Q head size {g.HeadSize} differs from K's {k[2] / hkv}");
            if (v[1] != k[1])
                throw new MoteShapeException($"V {ShapeMath.Format(v)} must have K's length {ShapeMath.Format(k)}");
        }
        if (k[0] != g.Batch || v[0] != g.Batch)
            throw new MoteShapeException($"Q, K and V disagree on the batch: {ShapeMath.Format(q)}, {ShapeMath.Format(k)}, {ShapeMath.Format(v)}");
        if (g.KvHeads <= 0 || g.QueryHeads % g.KvHeads != 0)
            throw new MoteShapeException($"{g.QueryHeads} query heads are not a multiple of {g.KvHeads} key/value heads");
        if ((pastKey is null) != (pastValue is null))
            throw new MoteShapeException("past_key and past_value must be given together");
        if (pastKey is not null && pastValue is not null)
        {
            if (pastKey.Length != 4 || pastKey[0] != g.Batch || pastKey[1] != g.KvHeads || pastKey[3] != g.HeadSize)
                throw new MoteShapeException($"past_key {ShapeMath.Format(pastKey)} must be [{g.Batch}, {g.KvHeads}, P, {g.HeadSize}]");
            if (pastValue.Length != 4 || pastValue[0] != g.Batch || pastValue[1] != g.KvHeads || pastValue[2] != pastKey[2] || pastValue[3] != g.ValueHeadSize)
                throw new MoteShapeException($"past_value {ShapeMath.Format(pastValue)} must be [{g.Batch}, {g.KvHeads}, {pastKey[2]}, {g.ValueHeadSize}]");
            g = g with { PastLength = pastKey[2] };
        }
        return g;
    }

    /// <summary>Y: the query layout with the value head size.</summary>
    public int[] OutputShape => ThreeD ? [Batch, QueryLength, QueryHeads * ValueHeadSize] : [Batch, QueryHeads, QueryLength, ValueHeadSize];

    /// <summary>present_key [B, Hkv, T, d].</summary>
    public int[] PresentKeyShape => [Batch, KvHeads, KvLength, HeadSize];

    /// <summary>present_value [B, Hkv, T, dv].</summary>
    public int[] PresentValueShape => [Batch, KvHeads, KvLength, ValueHeadSize];

    /// <summary>qk_matmul_output [B, Hq, S_q, T].</summary>
    public int[] ScoresShape => [Batch, QueryHeads, QueryLength, KvLength];
}
