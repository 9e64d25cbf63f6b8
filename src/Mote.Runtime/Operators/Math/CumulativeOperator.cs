using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;

// Not "Operators.Math": a namespace named Math would hide System.Math from every Operators.* namespace.
namespace Mote.Runtime.Operators.Mathematics;

/// <summary>
/// ONNX CumSum (opset 14) and CumProd (opset 26): running sums or products along the axis given by
/// input 1 (a scalar int32/int64, read when the node runs), <c>exclusive</c> (start from the identity
/// and stop before the element) and <c>reverse</c> (from the end). Types f32, f64, i32, i64, u32,
/// u64; integers wrap.
/// </summary>
internal sealed class CumulativeOperator(NodeDef node) : Operator(node)
{
    private readonly bool _product = node.Op == OpType.CumProd;
    private readonly bool _exclusive = node.GetInt("exclusive", 0) != 0;
    private readonly bool _reverse = node.GetInt("reverse", 0) != 0;

    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(t is DataType.Float32 or DataType.Float64 or DataType.Int32 or DataType.Int64 or DataType.UInt32 or DataType.UInt64, Node.Op, t);
        if (ctx.InputType(1) is not (DataType.Int32 or DataType.Int64) || ShapeMath.Count(ctx.InputShape(1)) != 1)
            throw new MoteShapeException($"axis must be a one-element int32/int64 tensor, got {ctx.InputType(1).ShortName()}{ShapeMath.Format(ctx.InputShape(1))}");
        if (ctx.TryGetValue(1, out _))
            ShapeMath.Axis(ctx.GetInts(1)[0], Math.Max(1, ctx.InputRank(0)), _product ? "CumProd" : "CumSum");
        ctx.SetOutput(0, t, ctx.InputShape(0));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var a = ctx.Input(1);
        long axisValue = a.Type == DataType.Int64 ? a.Span<long>()[0] : a.Span<int>()[0];
        var shape = x.Shape;
        int axis = ShapeMath.Axis(axisValue, Math.Max(1, shape.Length), _product ? "CumProd" : "CumSum");
        int n = shape.Length == 0 ? 1 : shape[axis];
        int inner = shape.Length == 0 ? 1 : (int)ShapeMath.Product(shape, axis + 1, shape.Length);
        long outer = shape.Length == 0 ? 1 : ShapeMath.Product(shape, 0, axis);
        var v = new Visitor(x, ctx.Output(0), outer, n, inner, _exclusive, _reverse, _product);
        TypeDispatch.Numeric(x.Type, ref v, Node.Op);
    }

    private readonly struct Visitor(TensorValue x, TensorValue y, long outer, int n, int inner, bool exclusive, bool reverse, bool product) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            var xs = x.Span<T>();
            var ys = y.Span<T>();
            for (long o = 0; o < outer; o++)
            {
                int b = (int)(o * n * inner);
                for (int step = 0; step < n; step++)
                {
                    int k = reverse ? n - 1 - step : step;
                    var dst = ys.Slice(b + k * inner, inner);
                    var src = xs.Slice(b + k * inner, inner);
                    if (step == 0)
                    {
                        if (exclusive)
                            dst.Fill(product ? T.One : T.Zero);
                        else
                            src.CopyTo(dst);
                        continue;
                    }
                    int prev = reverse ? k + 1 : k - 1;
                    var before = ys.Slice(b + prev * inner, inner);
                    var term = exclusive ? xs.Slice(b + prev * inner, inner) : src;
                    if (product)
                        System.Numerics.Tensors.TensorPrimitives.Multiply(before, term, dst);
                    else
                        System.Numerics.Tensors.TensorPrimitives.Add(before, term, dst);
                }
            }
        }
    }
}
