using System.Numerics;
using System.Numerics.Tensors;
using Mote.Format;
using Mote.Runtime.Operators.Elementwise;
using Mote.Runtime.Operators.Reduce;

namespace Mote.Runtime.Operators.Normalization;

/// <summary>
/// ONNX LpNormalization (opset 22): x divided by its L1 (p = 1) or L2 (p = 2, default) norm along
/// <c>axis</c> (default −1), f32/f64. A zero norm gives zeros (as ONNX Runtime).
/// </summary>
internal sealed class LpNormalizationOperator : Operator
{
    private readonly long _axis;
    private readonly long _p;

    public LpNormalizationOperator(NodeDef node) : base(node)
    {
        _axis = node.GetInt("axis", -1);
        _p = node.GetInt("p", 2);
        if (_p is not (1 or 2))
            throw new MoteNotSupportedException($"LpNormalization p = {_p} is not 1 or 2");
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsFloat(t), Node.Op, t);
        var x = ctx.InputShape(0);
        int axis = ShapeMath.Axis(_axis, Math.Max(1, x.Length), Node.Op.ToString());
        long inner = x.Length == 0 ? 1 : ShapeMath.Product(x, axis + 1, x.Length);
        if (inner > 1)
            ctx.RequestScratch(inner * t.Size());
        ctx.SetOutput(0, t, x);
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
        var shape = x.Shape;
        int axis = shape.Length == 0 ? 0 : ReduceAxes.Normalize(_axis, shape.Length);
        int n = shape.Length == 0 ? 1 : shape[axis];
        int inner = shape.Length == 0 ? 1 : (int)ShapeMath.Product(shape, axis + 1, shape.Length);
        long outer = shape.Length == 0 ? 1 : ShapeMath.Product(shape, 0, axis);
        var xs = x.Span<T>();
        var ys = ctx.Output(0).Span<T>();
        if (inner == 1)
        {
            for (long o = 0; o < outer; o++)
            {
                var xr = xs.Slice((int)(o * n), n);
                var yr = ys.Slice((int)(o * n), n);
                T norm = _p == 1 ? TensorPrimitives.SumOfMagnitudes(xr) : T.Sqrt(TensorPrimitives.SumOfSquares(xr));
                if (T.IsZero(norm))
                    yr.Clear();
                else
                    TensorPrimitives.Divide(xr, norm, yr);
            }
            return;
        }
        var norms = ctx.ScratchAs<T>(0, inner);
        for (long o = 0; o < outer; o++)
        {
            int b = (int)(o * n * inner);
            norms.Clear();
            for (int k = 0; k < n; k++)
            {
                var xr = xs.Slice(b + k * inner, inner);
                if (_p == 1)
                    for (int i = 0; i < inner; i++)
                        norms[i] += T.Abs(xr[i]);
                else
                    TensorPrimitives.MultiplyAdd(xr, xr, norms, norms);
            }
            if (_p == 2)
                TensorPrimitives.Sqrt(norms, norms);
            for (int k = 0; k < n; k++)
            {
                var xr = xs.Slice(b + k * inner, inner);
                var yr = ys.Slice(b + k * inner, inner);
                for (int i = 0; i < inner; i++)
                    yr[i] = T.IsZero(norms[i]) ? T.Zero : xr[i] / norms[i];
            }
        }
    }
}
