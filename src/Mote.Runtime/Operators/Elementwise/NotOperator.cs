using System.Numerics;
using System.Numerics.Tensors;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>ONNX Not (bool) and BitwiseNot (integers).</summary>
internal sealed class NotOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(Node.Op == OpType.Not ? t == DataType.Bool : TypeDispatch.IsInteger(t), Node.Op, t);
        ctx.SetOutput(0, t, ctx.InputShape(0));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        if (Node.Op == OpType.Not)
        {
            var xs = x.Span<byte>();
            var ys = y.Span<byte>();
            for (int i = 0; i < xs.Length; i++)
                ys[i] = xs[i] == 0 ? (byte)1 : (byte)0;
            return;
        }
        var v = new Visitor(x, y);
        TypeDispatch.Integer(x.Type, ref v, Node.Op);
    }

    private readonly struct Visitor(TensorValue x, TensorValue y) : IIntegerVisitor
    {
        public void Visit<T>() where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> => TensorPrimitives.OnesComplement<T>(x.Span<T>(), y.Span<T>());
    }
}
