using Mote.Format;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>ONNX And, Or, Xor (opset 7): bool inputs with broadcasting, bool output (any nonzero byte is true).</summary>
internal sealed class LogicalOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        var t = TypeDispatch.SameType(ctx, 0, 1);
        TypeDispatch.Require(t == DataType.Bool, Node.Op, t);
        ctx.SetOutput(0, DataType.Bool, ShapeMath.Broadcast(ctx.InputShape(0), ctx.InputShape(1), Node.Op.ToString()));
    }

    public override void Execute(in NodeContext ctx) =>
        BinaryBroadcast.Run<byte, byte, byte, ScalarRuns<byte, byte, byte, Function>>(new(new(Node.Op)), ctx.Input(0), ctx.Input(1), ctx.Output(0));

    private readonly struct Function(OpType op) : IBinaryFunction<byte, byte, byte>
    {
        public byte Invoke(byte a, byte b)
        {
            bool x = a != 0, y = b != 0;
            return (op switch { OpType.And => x & y, OpType.Or => x | y, _ => x ^ y }) ? (byte)1 : (byte)0;
        }
    }
}
