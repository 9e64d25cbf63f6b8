using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>A comparison, generic over the element type.</summary>
internal interface IComparison
{
    static abstract bool Test<T>(T a, T b) where T : INumber<T>;
}

/// <summary>
/// ONNX Equal, Less, LessOrEqual, Greater, GreaterOrEqual (opsets 13-19): same-type numeric inputs
/// (Equal also bool) with broadcasting, bool output. Comparisons with NaN are false (Equal(NaN, NaN)
/// too), IEEE order otherwise (−0 equals +0).
/// </summary>
internal sealed class CompareOperator<TCmp>(NodeDef node) : Operator(node) where TCmp : IComparison
{
    public override void InferShapes(ShapeContext ctx)
    {
        var t = TypeDispatch.SameType(ctx, 0, 1);
        TypeDispatch.Require(TypeDispatch.IsNumeric(t) || (t == DataType.Bool && Node.Op == OpType.Equal), Node.Op, t);
        ctx.SetOutput(0, DataType.Bool, ShapeMath.Broadcast(ctx.InputShape(0), ctx.InputShape(1), Node.Op.ToString()));
    }

    public override void Execute(in NodeContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        var y = ctx.Output(0);
        if (a.Type == DataType.Bool)
        {
            BinaryBroadcast.Run<byte, byte, byte, ScalarRuns<byte, byte, byte, BoolEquality>>(default, a, b, y);
            return;
        }
        var v = new Visitor(a, b, y);
        TypeDispatch.Numeric(a.Type, ref v, Node.Op);
    }

    private readonly struct Visitor(TensorValue a, TensorValue b, TensorValue y) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T> =>
            BinaryBroadcast.Run<T, T, byte, ScalarRuns<T, T, byte, Function<T>>>(default, a, b, y);
    }

    private readonly struct Function<T> : IBinaryFunction<T, T, byte> where T : INumber<T>
    {
        public byte Invoke(T a, T b) => TCmp.Test(a, b) ? (byte)1 : (byte)0;
    }

    private readonly struct BoolEquality : IBinaryFunction<byte, byte, byte>
    {
        public byte Invoke(byte a, byte b) => (a != 0) == (b != 0) ? (byte)1 : (byte)0;
    }
}

/// <summary>ONNX Equal.</summary>
internal readonly struct EqualComparison : IComparison
{
    public static bool Test<T>(T a, T b) where T : INumber<T> => a == b;
}

/// <summary>ONNX Less.</summary>
internal readonly struct LessComparison : IComparison
{
    public static bool Test<T>(T a, T b) where T : INumber<T> => a < b;
}

/// <summary>ONNX LessOrEqual.</summary>
internal readonly struct LessOrEqualComparison : IComparison
{
    public static bool Test<T>(T a, T b) where T : INumber<T> => a <= b;
}

/// <summary>ONNX Greater.</summary>
internal readonly struct GreaterComparison : IComparison
{
    public static bool Test<T>(T a, T b) where T : INumber<T> => a > b;
}

/// <summary>ONNX GreaterOrEqual.</summary>
internal readonly struct GreaterOrEqualComparison : IComparison
{
    public static bool Test<T>(T a, T b) where T : INumber<T> => a >= b;
}
