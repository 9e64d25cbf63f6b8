using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;

namespace Mote.Runtime.Operators.Reduce;

/// <summary>
/// ONNX ArgMax and ArgMin (opset 13): int64 index of the largest (smallest) element along
/// <c>axis</c> (default 0), <c>keepdims</c> (default 1), <c>select_last_index</c> (default 0: the first
/// of equal values). NaN counts as the extreme value (as NumPy and the ONNX reference). Numeric types.
/// </summary>
internal sealed class ArgOperator(NodeDef node) : Operator(node)
{
    private readonly long _axis = node.GetInt("axis", 0);
    private readonly bool _keepDims = node.GetInt("keepdims", 1) != 0;
    private readonly bool _last = node.GetInt("select_last_index", 0) != 0;

    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsNumeric(t), Node.Op, t);
        var shape = ctx.InputShape(0);
        int axis = ShapeMath.Axis(_axis, Math.Max(1, shape.Length), Node.Op.ToString());
        if (shape.Length > 0 && shape[axis] == 0)
            throw new MoteShapeException($"{Node.Op} over an empty axis {axis} of {ShapeMath.Format(shape)} has no answer");
        var reduced = new bool[shape.Length];
        if (shape.Length > 0)
            reduced[axis] = true;
        ctx.SetOutput(0, DataType.Int64, ReduceAxes.OutputShape(shape, reduced, _keepDims));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var shape = x.Shape;
        int axis = shape.Length == 0 ? 0 : ReduceAxes.Normalize(_axis, shape.Length);
        int n = shape.Length == 0 ? 1 : shape[axis];
        int inner = shape.Length == 0 ? 1 : (int)ShapeMath.Product(shape, axis + 1, shape.Length);
        long outer = shape.Length == 0 ? 1 : ShapeMath.Product(shape, 0, axis);
        var v = new Visitor(x, ctx.Output(0), outer, n, inner, Node.Op == OpType.ArgMax, _last);
        TypeDispatch.Numeric(x.Type, ref v, Node.Op);
    }

    private readonly struct Visitor(TensorValue x, TensorValue y, long outer, int n, int inner, bool max, bool last) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            var xs = x.Span<T>();
            var ys = y.Span<long>();
            for (long o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    int b = (int)(o * n * inner) + i;
                    int best = 0;
                    T bv = xs[b];
                    for (int k = 1; k < n; k++)
                    {
                        T v = xs[b + k * inner];
                        if (Better(v, bv) || (last && Same(v, bv)))
                        {
                            best = k;
                            bv = v;
                        }
                    }
                    ys[(int)(o * inner) + i] = best;
                }
        }

        // NaN beats everything; among NaNs and equal values the first wins unless select_last_index.
        private bool Better<T>(T v, T current) where T : INumber<T> =>
            !T.IsNaN(current) && (T.IsNaN(v) || (max ? v > current : v < current));

        private static bool Same<T>(T v, T current) where T : INumber<T> =>
            v == current || (T.IsNaN(v) && T.IsNaN(current));
    }
}
