using System.Numerics;
using System.Numerics.Tensors;
using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;
using Mote.Runtime.Operators.Reduce;

namespace Mote.Runtime.Operators.Normalization;

/// <summary>
/// ONNX LayerNormalization (opset 17) and RMSNormalization (opset 23): each row of the dimensions
/// from <c>axis</c> (default −1) on is normalized, LayerNorm by its mean and population variance
/// (two passes), RMSNorm by its root mean square; then multiplied by Scale and (LayerNorm) shifted by
/// the optional B, both broadcast to the row shape. LayerNorm's optional outputs Mean and InvStdDev
/// (shape x[:axis] + 1s) have the <c>stash_type</c> type (f32 by default). Statistics are computed in
/// the input precision.
/// </summary>
internal sealed class LayerNormalizationOperator : Operator
{
    private readonly long _axis;
    private readonly float _epsilon;
    private readonly DataType _stash;
    private readonly bool _rms;

    public LayerNormalizationOperator(NodeDef node) : base(node)
    {
        _rms = node.Op == OpType.RMSNormalization;
        _axis = node.GetInt("axis", -1);
        _epsilon = node.GetFloat("epsilon", 1e-5f);
        long stash = node.GetInt("stash_type", 1);
        _stash = stash switch
        {
            1 or 10 or 16 => DataType.Float32,
            11 => DataType.Float64,
            _ => throw new MoteNotSupportedException($"{node.Op} stash_type {stash} is not supported"),
        };
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsFloat(t), Node.Op, t);
        var x = ctx.InputShape(0);
        if (x.Length == 0)
            throw new MoteShapeException($"{Node.Op} needs an input of rank ≥ 1");
        int axis = ShapeMath.Axis(_axis, x.Length, Node.Op.ToString());
        var row = x[axis..];
        long d = ShapeMath.Count(row);
        long scratch = 0;
        for (int i = 1; i <= (_rms ? 1 : 2); i++)
        {
            if (!ctx.HasInput(i))
                continue;
            TypeDispatch.SameType(ctx, 0, i);
            var s = ctx.InputShape(i);
            if (s.Length > row.Length || !ShapeMath.Broadcast(row, s, Node.Op.ToString()).AsSpan().SequenceEqual(row))
                throw new MoteShapeException($"{(i == 1 ? "scale" : "B")} {ShapeMath.Format(s)} does not broadcast to the normalized shape {ShapeMath.Format(row)}");
            if (ShapeMath.Count(s) != d)
                scratch += d;
        }
        ctx.RequestScratch(scratch * t.Size());
        ctx.SetOutput(0, t, x);
        var stats = x.Select((v, i) => i < axis ? v : 1).ToArray();
        ctx.SetOutput(1, _stash, stats);
        ctx.SetOutput(2, _stash, stats);
    }

    public override void Execute(in NodeContext ctx)
    {
        if (ctx.Input(0).Type == DataType.Float32)
            Run<float>(ctx);
        else
            Run<double>(ctx);
    }

    private void Run<T>(in NodeContext ctx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = ctx.Input(0);
        int axis = ReduceAxes.Normalize(_axis, x.Rank);
        int d = (int)ShapeMath.Product(x.Shape, axis, x.Rank);
        long rows = ShapeMath.Product(x.Shape, 0, axis);
        long used = 0;
        var scale = Row<T>(ctx, 1, axis, d, ref used);
        var bias = _rms ? default : Row<T>(ctx, 2, axis, d, ref used);
        bool hasBias = !_rms && !ctx.Input(2).IsNone;
        var xs = x.Span<T>();
        var ys = ctx.Output(0).Span<T>();
        var meanOut = ctx.Output(1);
        var invOut = ctx.Output(2);
        T eps = T.CreateTruncating(_epsilon);
        for (long r = 0; r < rows; r++)
        {
            var xr = xs.Slice((int)(r * d), d);
            var yr = ys.Slice((int)(r * d), d);
            T mean, inv;
            if (_rms)
            {
                mean = T.Zero;
                inv = T.One / T.Sqrt(TensorPrimitives.SumOfSquares(xr) / T.CreateTruncating(d) + eps);
                TensorPrimitives.Multiply(xr, inv, yr);
            }
            else
            {
                (mean, var variance) = NormalizationMath.Center(xr, yr);
                inv = T.One / T.Sqrt(variance + eps);
                TensorPrimitives.Multiply(yr, inv, yr);
            }
            if (hasBias)
                TensorPrimitives.MultiplyAdd(yr, scale, bias, yr);
            else
                TensorPrimitives.Multiply(yr, scale, yr);
            Store(meanOut, r, mean);
            Store(invOut, r, inv);
        }
    }

    // The scale or bias as a full row: the tensor itself, or broadcast into scratch.
    private static ReadOnlySpan<T> Row<T>(in NodeContext ctx, int input, int axis, int d, ref long used) where T : unmanaged
    {
        var v = ctx.Input(input);
        if (v.IsNone || v.Count == d)
            return v.IsNone ? default : v.Span<T>();
        var dst = ctx.ScratchAs<T>(used * System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), d);
        used += d;
        var rowShape = ctx.Input(0).Shape.AsSpan(axis);
        int w = Math.Max(1, rowShape.Length);
        Span<int> dims = stackalloc int[w];
        Span<int> index = stackalloc int[w];
        Span<long> strides = stackalloc long[w];
        Span<long> offsets = stackalloc long[1];
        var layout = new BroadcastLayout(rowShape, v.Shape, default, default, 1, dims, strides, index, offsets);
        var src = v.Span<T>();
        int inner = layout.Inner;
        bool contiguous = layout.InnerStride(0) != 0;
        for (long r = 0; r < layout.Outer; r++, layout.Next())
        {
            var run = dst.Slice((int)(r * inner), inner);
            if (contiguous)
                src.Slice((int)layout.Offset(0), inner).CopyTo(run);
            else
                run.Fill(src[(int)layout.Offset(0)]);
        }
        return dst;
    }

    private static void Store<T>(TensorValue output, long row, T value) where T : IFloatingPointIeee754<T>
    {
        if (output.IsNone)
            return;
        if (output.Type == DataType.Float64)
            output.Span<double>()[(int)row] = double.CreateTruncating(value);
        else
            output.Span<float>()[(int)row] = float.CreateTruncating(value);
    }
}
