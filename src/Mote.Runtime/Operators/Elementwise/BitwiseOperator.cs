using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// ONNX BitwiseAnd, BitwiseOr, BitwiseXor (opset 18, integer types) and BitShift (opset 11, unsigned
/// types; <c>direction</c> LEFT or RIGHT), with broadcasting. A shift by the bit width or more gives 0
/// (C leaves it undefined).
/// </summary>
internal sealed class BitwiseOperator : Operator
{
    private readonly BitwiseKind _kind;

    public BitwiseOperator(NodeDef node) : base(node)
    {
        _kind = node.Op switch
        {
            OpType.BitwiseAnd => BitwiseKind.And,
            OpType.BitwiseOr => BitwiseKind.Or,
            OpType.BitwiseXor => BitwiseKind.Xor,
            _ => node.GetString("direction", "") switch
            {
                "LEFT" => BitwiseKind.ShiftLeft,
                "RIGHT" => BitwiseKind.ShiftRight,
                var d => throw new MoteNotSupportedException($"BitShift direction '{d}' is not LEFT or RIGHT"),
            },
        };
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var t = TypeDispatch.SameType(ctx, 0, 1);
        bool shift = _kind is BitwiseKind.ShiftLeft or BitwiseKind.ShiftRight;
        TypeDispatch.Require(shift ? TypeDispatch.IsUnsignedInteger(t) : TypeDispatch.IsInteger(t), Node.Op, t);
        ctx.SetOutput(0, t, ShapeMath.Broadcast(ctx.InputShape(0), ctx.InputShape(1), Node.Op.ToString()));
    }

    public override void Execute(in NodeContext ctx)
    {
        var v = new Visitor(ctx.Input(0), ctx.Input(1), ctx.Output(0), _kind);
        TypeDispatch.Integer(ctx.Output(0).Type, ref v, Node.Op);
    }

    private readonly struct Visitor(TensorValue a, TensorValue b, TensorValue y, BitwiseKind kind) : IIntegerVisitor
    {
        public void Visit<T>() where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> =>
            BinaryBroadcast.Run<T, T, T, ScalarRuns<T, T, T, BitwiseFunction<T>>>(new(new(kind)), a, b, y);
    }
}

internal enum BitwiseKind : byte { And, Or, Xor, ShiftLeft, ShiftRight }

/// <summary>One element of a bitwise operator.</summary>
internal readonly struct BitwiseFunction<T>(BitwiseKind kind) : IBinaryFunction<T, T, T> where T : IBinaryInteger<T>
{
    public T Invoke(T a, T b)
    {
        switch (kind)
        {
            case BitwiseKind.And: return a & b;
            case BitwiseKind.Or: return a | b;
            case BitwiseKind.Xor: return a ^ b;
        }
        int bits = a.GetByteCount() * 8;
        if (ulong.CreateTruncating(b) >= (ulong)bits)
            return T.Zero;
        int n = int.CreateTruncating(b);
        return kind == BitwiseKind.ShiftLeft ? a << n : a >>> n;
    }
}
