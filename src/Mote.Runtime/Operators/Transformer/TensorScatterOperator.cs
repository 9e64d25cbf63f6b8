using Mote.Format;

namespace Mote.Runtime.Operators.Transformer;

/// <summary>
/// ONNX TensorScatter (opset 24), the in-place KV-cache update, any element type: present = past_cache
/// with update [B, …, S, …] written along <c>axis</c> (default −2, never the batch axis) at positions
/// write_indices[b] + i (write_indices defaults to zeros). <c>mode</c> "linear" requires the rows to fit,
/// "circular" wraps them modulo the cache length.
/// </summary>
internal sealed class TensorScatterOperator : Operator
{
    private readonly long _axis;
    private readonly bool _circular;

    public TensorScatterOperator(NodeDef node) : base(node)
    {
        _axis = node.GetInt("axis", -2);
        _circular = node.GetString("mode", "linear") switch
        {
            "linear" => false,
            "circular" => true,
            var m => throw new MoteNotSupportedException($"TensorScatter mode '{m}' is not linear or circular"),
        };
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var cache = ctx.InputShape(0);
        var update = ctx.InputShape(1);
        if (ctx.InputType(1) != ctx.InputType(0))
            throw new MoteShapeException($"update has type {ctx.InputType(1).ShortName()}, past_cache {ctx.InputType(0).ShortName()}");
        int axis = ShapeMath.Axis(_axis, cache.Length, "TensorScatter");
        if (axis == 0)
            throw new MoteShapeException("TensorScatter's axis cannot be the batch axis");
        if (update.Length != cache.Length || Enumerable.Range(0, cache.Length).Any(d => d != axis && update[d] != cache[d]) || update[axis] > cache[axis])
            throw new MoteShapeException($"update {ShapeMath.Format(update)} does not fit past_cache {ShapeMath.Format(cache)} along axis {axis}");
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, "write_indices", DataType.Int64);
            if (ctx.InputRank(2) != 1 || ctx.InputShape(2)[0] != cache[0])
                throw new MoteShapeException($"write_indices {ShapeMath.Format(ctx.InputShape(2))} must be [{cache[0]}]");
        }
        ctx.SetOutput(0, ctx.InputType(0), cache);
    }

    public override unsafe void Execute(in NodeContext ctx)
    {
        var cache = ctx.Input(0);
        var update = ctx.Input(1);
        var y = ctx.Output(0);
        cache.Bytes.CopyTo(y.Bytes);
        int axis = ShapeMath.Axis(_axis, cache.Rank, "TensorScatter");
        int batch = cache.Shape[0], length = cache.Shape[axis], rows = update.Shape[axis];
        long outer = ShapeMath.Product(cache.Shape, 1, axis);
        long row = ShapeMath.Product(cache.Shape, axis + 1, cache.Rank) * cache.Type.Size();
        var indices = ctx.Input(2);
        byte* src = (byte*)update.Data, dst = (byte*)y.Data;
        for (int b = 0; b < batch; b++)
        {
            long start = indices.IsNone ? 0 : indices.Span<long>()[b];
            if (start < 0 || start >= length && rows > 0 || !_circular && start + rows > length)
                throw new MoteShapeException($"write index {start} with {rows} rows does not fit a cache of {length}");
            for (long o = 0; o < outer; o++)
                for (int i = 0; i < rows; i++)
                {
                    long at = (start + i) % length;
                    long s = ((b * outer + o) * rows + i) * row, d = ((b * outer + o) * length + at) * row;
                    new ReadOnlySpan<byte>(src + s, (int)row).CopyTo(new Span<byte>(dst + d, (int)row));
                }
        }
    }
}
