using Mote.Format;
using Mote.Kernels.Attention;

namespace Mote.Runtime.Operators.Transformer;

/// <summary>
/// ONNX RotaryEmbedding (opset 23) in f32: rotates the first <c>rotary_embedding_dim</c> values (default:
/// the whole head) of every head row by the angle of its position. The input is 4-D [B, H, S, d] or 3-D
/// [B, S, H·d] (heads from <c>num_heads</c>). cos_cache/sin_cache are [max_position, r/2] indexed by
/// position_ids [B, S], or, without position_ids, already [B, S, r/2]. Pairs are the two halves of the
/// rotated part, or neighbours when <c>interleaved</c> (<see cref="RotaryEmbeddingF32"/>).
/// </summary>
internal sealed class RotaryEmbeddingOperator(NodeDef node) : Operator(node)
{
    private readonly bool _interleaved = node.GetInt("interleaved", 0) != 0;
    private readonly long _rotaryDim = node.GetInt("rotary_embedding_dim", 0);
    private readonly long _heads = node.GetInt("num_heads", 0);

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "input", DataType.Float32);
        ctx.ExpectType(1, "cos_cache", DataType.Float32);
        ctx.ExpectType(2, "sin_cache", DataType.Float32);
        var x = ctx.InputShape(0);
        var (batch, length, _, headSize) = Layout(x);
        int half = RotatedHalf(headSize);
        var cos = ctx.InputShape(1);
        if (!cos.AsSpan().SequenceEqual(ctx.InputShape(2)))
            throw new MoteShapeException($"cos_cache {ShapeMath.Format(cos)} and sin_cache {ShapeMath.Format(ctx.InputShape(2))} differ");
        if (ctx.HasInput(3))
        {
            ctx.ExpectType(3, "position_ids", DataType.Int64);
            var p = ctx.InputShape(3);
            if (p.Length != 2 || p[0] != batch || p[1] != length)
                throw new MoteShapeException($"position_ids {ShapeMath.Format(p)} must be [{batch}, {length}]");
            if (cos.Length != 2 || cos[1] != half)
                throw new MoteShapeException($"with position_ids, cos_cache {ShapeMath.Format(cos)} must be [max_position, {half}]");
        }
        else if (cos.Length != 3 || cos[0] != batch || cos[1] != length || cos[2] != half)
            throw new MoteShapeException($"without position_ids, cos_cache {ShapeMath.Format(cos)} must be [{batch}, {length}, {half}]");
        ctx.SetOutput(0, DataType.Float32, x);
    }

    public override void Execute(in NodeContext ctx)
    {
        var input = ctx.Input(0);
        var (batch, length, heads, headSize) = Layout(input.Shape);
        int half = RotatedHalf(headSize);
        var x = input.Span<float>();
        var y = ctx.Output(0).Span<float>();
        var cos = ctx.Input(1).Span<float>();
        var sin = ctx.Input(2).Span<float>();
        var positions = ctx.Input(3);
        int maxPosition = ctx.Input(1).Shape[0];
        for (int b = 0; b < batch; b++)
            for (int s = 0; s < length; s++)
            {
                long row = (long)b * length + s;
                if (!positions.IsNone)
                {
                    row = positions.Span<long>()[(int)row];
                    if (row < 0 || row >= maxPosition)
                        throw new MoteShapeException($"position id {row} is outside the {maxPosition} cached positions");
                }
                var c = cos.Slice((int)(row * half), half);
                var sn = sin.Slice((int)(row * half), half);
                for (int h = 0; h < heads; h++)
                {
                    // 4-D [B, H, S, d] or 3-D [B, S, H·d]: where head h of token (b, s) starts.
                    long at = input.Rank == 4 ? (((long)b * heads + h) * length + s) * headSize : ((long)b * length + s) * heads * headSize + (long)h * headSize;
                    RotaryEmbeddingF32.Rotate(x.Slice((int)at, headSize), c, sn, y.Slice((int)at, headSize), _interleaved);
                }
            }
    }

    /// <summary>(batch, sequence, heads, head size) of a 4-D or 3-D input.</summary>
    private (int Batch, int Length, int Heads, int HeadSize) Layout(int[] x)
    {
        if (x.Length == 4)
            return (x[0], x[2], x[1], x[3]);
        if (x.Length != 3)
            throw new MoteShapeException($"input {ShapeMath.Format(x)} must be [B, H, S, d] or [B, S, H·d]");
        if (_heads <= 0 || x[2] % _heads != 0)
            throw new MoteShapeException($"a 3-D input {ShapeMath.Format(x)} needs num_heads dividing its last dimension (num_heads = {_heads})");
        return (x[0], x[1], (int)_heads, x[2] / (int)_heads);
    }

    private int RotatedHalf(int headSize)
    {
        long r = _rotaryDim == 0 ? headSize : _rotaryDim;
        if (r < 0 || r > headSize || r % 2 != 0)
            throw new MoteShapeException($"rotary_embedding_dim {r} must be even and at most the head size {headSize}");
        return (int)(r / 2);
    }
}
