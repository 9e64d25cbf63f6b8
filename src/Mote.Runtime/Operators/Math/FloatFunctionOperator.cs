using System.Numerics;
using Mote.Format;
using Mote.Kernels.Elementwise;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;

// Not "Operators.Math": a namespace named Math would hide System.Math from every Operators.* namespace.
namespace Mote.Runtime.Operators.Mathematics;

/// <summary>The integer form of a unary operator, for the integer types the operator defines.</summary>
internal interface IIntegerUnary
{
    bool Accepts(DataType t);

    T Invoke<T>(T x) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>;
}

/// <summary>For operators defined on floats only.</summary>
internal readonly struct FloatsOnly : IIntegerUnary
{
    public bool Accepts(DataType t) => false;

    public T Invoke<T>(T x) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> => throw new InvalidOperationException();
}

/// <summary>
/// A unary elementwise operator whose float form is a kernel function: f32 runs the vectorized kernel
/// (at the width the session's features allow), f64 its double-precision scalar form, and integer
/// types the <typeparamref name="TInt"/> form where the operator defines them (Relu, Shrink).
/// </summary>
internal sealed class FloatFunctionOperator<TFn, TInt>(NodeDef node, TFn fn, TInt integer) : Operator(node)
    where TFn : struct, IUnaryOperatorF32, IUnaryOperatorF64 where TInt : struct, IIntegerUnary
{
    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsFloat(t) || integer.Accepts(t), Node.Op, t);
        ctx.SetOutput(0, t, ctx.InputShape(0));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        switch (x.Type)
        {
            case DataType.Float32:
                UnaryF32.Apply(fn, x.Span<float>(), y.Span<float>(), SimdWidths.For(ctx.Kernels.Features));
                break;
            case DataType.Float64:
                UnaryF32.Apply(fn, x.Span<double>(), y.Span<double>());
                break;
            default:
                var v = new IntegerVisitor(integer, x, y);
                TypeDispatch.Integer(x.Type, ref v, Node.Op);
                break;
        }
    }

    private readonly struct IntegerVisitor(TInt f, TensorValue x, TensorValue y) : IIntegerVisitor
    {
        public void Visit<T>() where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            var xs = x.Span<T>();
            var ys = y.Span<T>();
            for (int i = 0; i < xs.Length; i++)
                ys[i] = f.Invoke(xs[i]);
        }
    }
}

/// <summary>Relu on signed integers (opset 14: int8, int16, int32, int64).</summary>
internal readonly struct ReluIntegers : IIntegerUnary
{
    public bool Accepts(DataType t) => TypeDispatch.IsSignedInteger(t);

    public T Invoke<T>(T x) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> => T.IsNegative(x) ? T.Zero : x;
}

/// <summary>Shrink on integers: compared and shifted in double, then converted back (saturating).</summary>
internal readonly struct ShrinkIntegers(float lambd, float bias) : IIntegerUnary
{
    public bool Accepts(DataType t) => TypeDispatch.IsInteger(t);

    public T Invoke<T>(T x) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        double v = double.CreateTruncating(x);
        return v < -lambd ? T.CreateSaturating(v + bias) : v > lambd ? T.CreateSaturating(v - bias) : T.Zero;
    }
}
