using System.Numerics;
using System.Numerics.Tensors;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>The arithmetic of Add/Sub/Mul/Div on runs, for every numeric type (TensorPrimitives where it is vectorized).</summary>
internal interface IArithmetic
{
    static abstract void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T>;

    static abstract void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, INumber<T>;

    static abstract void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T>;
}

/// <summary>Adapts an <see cref="IArithmetic"/> to the broadcast driver.</summary>
internal readonly struct ArithmeticRuns<T, TK> : IBinaryRuns<T, T, T> where T : unmanaged, INumber<T> where TK : IArithmetic
{
    public void Run(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) => TK.Apply(a, b, y);

    public void Run(ReadOnlySpan<T> a, T b, Span<T> y) => TK.Apply(a, b, y);

    public void Run(T a, ReadOnlySpan<T> b, Span<T> y) => TK.Apply(a, b, y);
}

/// <summary>
/// ONNX Add, Sub, Mul, Div (opset 14): same-type numeric inputs with multidirectional broadcasting.
/// Integer arithmetic wraps; integer division truncates toward zero, and division by zero gives 0
/// instead of faulting (ONNX leaves it undefined).
/// </summary>
internal sealed class ArithmeticOperator<TK>(NodeDef node) : Operator(node) where TK : IArithmetic
{
    public override void InferShapes(ShapeContext ctx)
    {
        var t = TypeDispatch.SameType(ctx, 0, 1);
        TypeDispatch.Require(TypeDispatch.IsNumeric(t), Node.Op, t);
        ctx.SetOutput(0, t, ShapeMath.Broadcast(ctx.InputShape(0), ctx.InputShape(1), Node.Op.ToString()));
    }

    public override void Execute(in NodeContext ctx)
    {
        var v = new Visitor(ctx.Input(0), ctx.Input(1), ctx.Output(0));
        TypeDispatch.Numeric(v.Y.Type, ref v, Node.Op);
    }

    private readonly struct Visitor(TensorValue a, TensorValue b, TensorValue y) : INumericVisitor
    {
        public TensorValue Y => y;

        public void Visit<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T> =>
            BinaryBroadcast.Run<T, T, T, ArithmeticRuns<T, TK>>(default, a, b, y);
    }
}

/// <summary>ONNX Add.</summary>
internal readonly struct AddArithmetic : IArithmetic
{
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> => TensorPrimitives.Add(a, b, y);

    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, INumber<T> => TensorPrimitives.Add(a, b, y);

    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> => TensorPrimitives.Add(b, a, y);
}

/// <summary>ONNX Sub.</summary>
internal readonly struct SubArithmetic : IArithmetic
{
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(a, b, y);

    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(a, b, y);

    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(a, b, y);
}

/// <summary>ONNX Mul.</summary>
internal readonly struct MulArithmetic : IArithmetic
{
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(a, b, y);

    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(a, b, y);

    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(b, a, y);
}

/// <summary>ONNX Div. Floats follow IEEE; integers truncate, x/0 = 0 and MinValue/−1 wraps to MinValue (never a hardware fault).</summary>
internal readonly struct DivArithmetic : IArithmetic
{
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T>
    {
        if (IsFloat<T>())
        {
            TensorPrimitives.Divide(a, b, y);
            return;
        }
        for (int i = 0; i < y.Length; i++)
            y[i] = Integer(a[i], b[i]);
    }

    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, INumber<T>
    {
        if (IsFloat<T>())
            TensorPrimitives.Divide(a, b, y);
        else if (T.IsZero(b))
            y.Clear();
        else if (T.IsNegative(b) && b == T.Zero - T.One)
            TensorPrimitives.Subtract(T.Zero, a, y);
        else
            TensorPrimitives.Divide(a, b, y);
    }

    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T>
    {
        if (IsFloat<T>())
        {
            TensorPrimitives.Divide(a, b, y);
            return;
        }
        for (int i = 0; i < y.Length; i++)
            y[i] = Integer(a, b[i]);
    }

    private static bool IsFloat<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    /// <summary>Truncating integer division that never faults.</summary>
    public static T Integer<T>(T a, T b) where T : INumber<T>
    {
        if (T.IsZero(b))
            return T.Zero;
        // MinValue / −1 overflows (a hardware fault on x64); the wrapped result is −MinValue = MinValue.
        if (T.IsNegative(b) && b == T.Zero - T.One)
            return T.Zero - a;
        return a / b;
    }
}
