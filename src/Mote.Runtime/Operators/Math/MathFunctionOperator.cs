using System.Numerics;
using System.Numerics.Tensors;
using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;

// Not "Operators.Math": a namespace named Math would hide System.Math from every Operators.* namespace.
namespace Mote.Runtime.Operators.Mathematics;

/// <summary>The unary math operators implemented by <see cref="MathFunctionOperator"/>.</summary>
internal enum MathFunction
{
    Abs, Neg, Sign, Floor, Ceil, Round, Sqrt, Reciprocal, Log, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh,
}

/// <summary>
/// Unary math operators on f32/f64 (and integers for Abs, Neg, Sign). Floats call TensorPrimitives
/// where it is vectorized and accurate (stated in the kernel accuracy tests); the hyperbolic functions
/// are evaluated in double and rounded, because TensorPrimitives' versions lose relative accuracy near
/// zero and these operators are rare. Round is half-to-even. Integer Abs and Neg wrap (|MinValue| = MinValue).
/// </summary>
internal sealed class MathFunctionOperator(NodeDef node, MathFunction fn) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        bool ok = TypeDispatch.IsFloat(t) || fn switch
        {
            MathFunction.Abs or MathFunction.Sign => TypeDispatch.IsInteger(t),
            MathFunction.Neg => TypeDispatch.IsSignedInteger(t),
            _ => false,
        };
        TypeDispatch.Require(ok, Node.Op, t);
        ctx.SetOutput(0, t, ctx.InputShape(0));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        if (x.Type == DataType.Float32)
            Float(x.Span<float>(), y.Span<float>());
        else if (x.Type == DataType.Float64)
            Float(x.Span<double>(), y.Span<double>());
        else
        {
            var v = new IntegerVisitor(fn, x, y);
            TypeDispatch.Integer(x.Type, ref v, Node.Op);
        }
    }

    private void Float<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (fn)
        {
            case MathFunction.Abs: TensorPrimitives.Abs(x, y); break;
            case MathFunction.Neg: TensorPrimitives.Negate(x, y); break;
            case MathFunction.Floor: TensorPrimitives.Floor(x, y); break;
            case MathFunction.Ceil: TensorPrimitives.Ceiling(x, y); break;
            case MathFunction.Round: TensorPrimitives.Round(x, y); break;
            case MathFunction.Sqrt: TensorPrimitives.Sqrt(x, y); break;
            case MathFunction.Reciprocal: TensorPrimitives.Reciprocal(x, y); break;
            case MathFunction.Log: TensorPrimitives.Log(x, y); break;
            case MathFunction.Sin: TensorPrimitives.Sin(x, y); break;
            case MathFunction.Cos: TensorPrimitives.Cos(x, y); break;
            case MathFunction.Tan: TensorPrimitives.Tan(x, y); break;
            case MathFunction.Asin: TensorPrimitives.Asin(x, y); break;
            case MathFunction.Acos: TensorPrimitives.Acos(x, y); break;
            case MathFunction.Atan: TensorPrimitives.Atan(x, y); break;
            case MathFunction.Sign:
                // NaN stays NaN, ±0 stays ±0 (as ONNX Runtime).
                for (int i = 0; i < x.Length; i++)
                    y[i] = T.IsNaN(x[i]) || T.IsZero(x[i]) ? x[i] : T.IsNegative(x[i]) ? -T.One : T.One;
                break;
            default:
                for (int i = 0; i < x.Length; i++)
                    y[i] = T.CreateTruncating(Hyperbolic(fn, double.CreateTruncating(x[i])));
                break;
        }
    }

    private static double Hyperbolic(MathFunction fn, double v) => fn switch
    {
        MathFunction.Sinh => Math.Sinh(v),
        MathFunction.Cosh => Math.Cosh(v),
        MathFunction.Asinh => Math.Asinh(v),
        MathFunction.Acosh => Math.Acosh(v),
        _ => Math.Atanh(v),
    };

    private readonly struct IntegerVisitor(MathFunction fn, TensorValue x, TensorValue y) : IIntegerVisitor
    {
        public void Visit<T>() where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            var xs = x.Span<T>();
            var ys = y.Span<T>();
            for (int i = 0; i < xs.Length; i++)
            {
                T v = xs[i];
                ys[i] = fn switch
                {
                    MathFunction.Abs => T.IsNegative(v) ? T.Zero - v : v,
                    MathFunction.Neg => T.Zero - v,
                    _ => T.IsZero(v) ? T.Zero : T.IsNegative(v) ? T.Zero - T.One : T.One,
                };
            }
        }
    }
}
