using System.Numerics;
using System.Runtime.CompilerServices;
using Mote.Format;
using Mote.Kernels.Elementwise;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;

// Not "Operators.Math": a namespace named Math would hide System.Math from every Operators.* namespace.
namespace Mote.Runtime.Operators.Mathematics;

/// <summary>
/// ONNX Clip (opset 13): y = min(max(x, min), max) with optional scalar inputs min and max (absent:
/// no bound), for every numeric type. When min &gt; max every value becomes max; NaN stays NaN. The
/// bounds are read when the node runs, so they may be computed by the graph.
/// </summary>
internal sealed class ClipOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsNumeric(t), Node.Op, t);
        for (int i = 1; i <= 2; i++)
        {
            if (!ctx.HasInput(i))
                continue;
            if (ctx.InputType(i) != t)
                throw new MoteShapeException($"bound {(i == 1 ? "min" : "max")} is {ctx.InputType(i).ShortName()}, the input is {t.ShortName()}");
            if (ShapeMath.Count(ctx.InputShape(i)) != 1)
                throw new MoteShapeException($"bound {(i == 1 ? "min" : "max")} must be a scalar, got shape {ShapeMath.Format(ctx.InputShape(i))}");
        }
        ctx.SetOutput(0, t, ctx.InputShape(0));
    }

    public override void Execute(in NodeContext ctx)
    {
        var v = new Visitor(ctx.Input(0), ctx.Input(1), ctx.Input(2), ctx.Output(0), SimdWidths.For(ctx.Kernels.Features));
        TypeDispatch.Numeric(ctx.Input(0).Type, ref v, Node.Op);
    }

    private readonly struct Visitor(TensorValue x, TensorValue lo, TensorValue hi, TensorValue y, SimdWidth width) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            T min = lo.IsNone ? Lowest<T>() : lo.Span<T>()[0];
            T max = hi.IsNone ? Highest<T>() : hi.Span<T>()[0];
            if (typeof(T) == typeof(float))
            {
                UnaryF32.Apply(new ClipFn(Unsafe.As<T, float>(ref min), Unsafe.As<T, float>(ref max)), x.Span<float>(), y.Span<float>(), width);
                return;
            }
            var xs = x.Span<T>();
            var ys = y.Span<T>();
            // T.Max/T.Min propagate NaN for floating types.
            for (int i = 0; i < xs.Length; i++)
                ys[i] = T.Min(max, T.Max(min, xs[i]));
        }

        private static T Lowest<T>() where T : INumber<T>, IMinMaxValue<T> =>
            typeof(T) == typeof(double) || typeof(T) == typeof(float) ? T.CreateTruncating(double.NegativeInfinity) : T.MinValue;

        private static T Highest<T>() where T : INumber<T>, IMinMaxValue<T> =>
            typeof(T) == typeof(double) || typeof(T) == typeof(float) ? T.CreateTruncating(double.PositiveInfinity) : T.MaxValue;
    }
}
