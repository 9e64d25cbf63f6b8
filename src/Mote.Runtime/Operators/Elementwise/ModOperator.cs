using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// ONNX Mod (opset 13) with broadcasting. <c>fmod</c> = 0 (integers only): the remainder takes the
/// sign of the divisor, like Python's %. <c>fmod</c> = 1: C fmod, the sign of the dividend (floats
/// and integers). An integer remainder by zero is 0 instead of a fault.
/// </summary>
internal sealed class ModOperator(NodeDef node) : Operator(node)
{
    private readonly bool _fmod = node.GetInt("fmod", 0) != 0;

    public override void InferShapes(ShapeContext ctx)
    {
        var t = TypeDispatch.SameType(ctx, 0, 1);
        TypeDispatch.Require(TypeDispatch.IsNumeric(t), Node.Op, t);
        if (!_fmod && TypeDispatch.IsFloat(t))
            throw new MoteShapeException("Mod of floating-point inputs requires fmod = 1");
        ctx.SetOutput(0, t, ShapeMath.Broadcast(ctx.InputShape(0), ctx.InputShape(1), "Mod"));
    }

    public override void Execute(in NodeContext ctx)
    {
        var v = new Visitor(ctx.Input(0), ctx.Input(1), ctx.Output(0), _fmod);
        TypeDispatch.Numeric(ctx.Output(0).Type, ref v, Node.Op);
    }

    private readonly struct Visitor(TensorValue a, TensorValue b, TensorValue y, bool fmod) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T> =>
            BinaryBroadcast.Run<T, T, T, ScalarRuns<T, T, T, ModFunction<T>>>(new(new(fmod)), a, b, y);
    }
}

/// <summary>One element of Mod.</summary>
internal readonly struct ModFunction<T>(bool fmod) : IBinaryFunction<T, T, T> where T : unmanaged, INumber<T>
{
    public T Invoke(T a, T b)
    {
        if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
            return a % b; // C# % on floats is IEEE fmod.
        // Zero divisor: no fault. −1 divisor: MinValue % −1 faults on x64, and every remainder by −1 is 0.
        if (T.IsZero(b) || (T.IsNegative(b) && b == T.Zero - T.One))
            return T.Zero;
        T r = a % b;
        if (!fmod && !T.IsZero(r) && T.IsNegative(r) != T.IsNegative(b))
            r += b;
        return r;
    }
}
