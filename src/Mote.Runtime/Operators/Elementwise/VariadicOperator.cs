using System.Numerics;
using System.Numerics.Tensors;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// ONNX Max, Min (opset 13, numeric types) and Sum, Mean (opset 13, f32/f64): one or more inputs
/// broadcast together. The output starts as input 0 broadcast, then accumulates each further input in
/// place. Max and Min of floats propagate NaN (as ONNX Runtime since 1.19); Mean divides by the input
/// count at the end.
/// </summary>
internal sealed class VariadicOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        if (ctx.InputCount == 0)
            throw new MoteShapeException($"{Node.Op} needs at least one input");
        var t = ctx.InputType(0);
        bool floatsOnly = Node.Op is OpType.Sum or OpType.Mean;
        TypeDispatch.Require(floatsOnly ? TypeDispatch.IsFloat(t) : TypeDispatch.IsNumeric(t), Node.Op, t);
        var shape = ctx.InputShape(0);
        for (int i = 1; i < ctx.InputCount; i++)
        {
            TypeDispatch.SameType(ctx, 0, i);
            shape = ShapeMath.Broadcast(shape, ctx.InputShape(i), Node.Op.ToString());
        }
        ctx.SetOutput(0, t, shape);
    }

    public override void Execute(in NodeContext ctx)
    {
        var v = new Visitor(ctx.Inputs, ctx.Output(0), Node.Op);
        TypeDispatch.Numeric(ctx.Output(0).Type, ref v, Node.Op);
    }

    private readonly ref struct Visitor(ReadOnlySpan<TensorValue> inputs, TensorValue y, OpType op) : INumericVisitor
    {
        private readonly ReadOnlySpan<TensorValue> _inputs = inputs;

        public void Visit<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            // Input 0 broadcast into y: y = 0 + x0 would change −0 and NaN payloads; "take the right operand" does not.
            BinaryBroadcast.Run<T, T, T, ScalarRuns<T, T, T, Right<T>>>(default, y, _inputs[0], y);
            for (int i = 1; i < _inputs.Length; i++)
            {
                switch (op)
                {
                    case OpType.Max: BinaryBroadcast.Run<T, T, T, MaxRuns<T>>(default, y, _inputs[i], y); break;
                    case OpType.Min: BinaryBroadcast.Run<T, T, T, MinRuns<T>>(default, y, _inputs[i], y); break;
                    default: BinaryBroadcast.Run<T, T, T, ArithmeticRuns<T, AddArithmetic>>(default, y, _inputs[i], y); break;
                }
            }
            if (op == OpType.Mean && _inputs.Length > 1)
            {
                var s = y.Span<T>();
                TensorPrimitives.Divide(s, T.CreateTruncating(_inputs.Length), s);
            }
        }
    }

    private readonly struct Right<T> : IBinaryFunction<T, T, T>
    {
        public T Invoke(T a, T b) => b;
    }

    private readonly struct MaxRuns<T> : IBinaryRuns<T, T, T> where T : INumber<T>
    {
        public void Run(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) => TensorPrimitives.Max(a, b, y);

        public void Run(ReadOnlySpan<T> a, T b, Span<T> y) => TensorPrimitives.Max(a, b, y);

        public void Run(T a, ReadOnlySpan<T> b, Span<T> y) => TensorPrimitives.Max(b, a, y);
    }

    private readonly struct MinRuns<T> : IBinaryRuns<T, T, T> where T : INumber<T>
    {
        public void Run(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) => TensorPrimitives.Min(a, b, y);

        public void Run(ReadOnlySpan<T> a, T b, Span<T> y) => TensorPrimitives.Min(a, b, y);

        public void Run(T a, ReadOnlySpan<T> b, Span<T> y) => TensorPrimitives.Min(b, a, y);
    }
}
