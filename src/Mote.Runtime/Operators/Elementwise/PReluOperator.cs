using System.Numerics;
using Mote.Format;
using Mote.Kernels.Elementwise;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// ONNX PRelu (opset 16): y = x &lt; 0 ? slope·x : x, the slope broadcast to x's shape (one way). f32
/// with a per-run scalar slope (the usual per-channel case) runs the vectorized LeakyRelu kernel.
/// Types: f32, f64, i32, i64, u32, u64 (unsigned inputs pass through).
/// </summary>
internal sealed class PReluOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        var t = TypeDispatch.SameType(ctx, 0, 1);
        TypeDispatch.Require(t is DataType.Float32 or DataType.Float64 or DataType.Int32 or DataType.Int64 or DataType.UInt32 or DataType.UInt64, Node.Op, t);
        var x = ctx.InputShape(0);
        var b = ShapeMath.Broadcast(x, ctx.InputShape(1), "PRelu");
        if (!b.AsSpan().SequenceEqual(x))
            throw new MoteShapeException($"slope {ShapeMath.Format(ctx.InputShape(1))} does not broadcast to the input {ShapeMath.Format(x)}");
        ctx.SetOutput(0, t, x);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var s = ctx.Input(1);
        var y = ctx.Output(0);
        switch (x.Type)
        {
            case DataType.Float32: BinaryBroadcast.Run<float, float, float, FloatRuns>(new FloatRuns(SimdWidths.For(ctx.Kernels.Features)), x, s, y); break;
            case DataType.Float64: Generic<double>(x, s, y); break;
            case DataType.Int32: Generic<int>(x, s, y); break;
            case DataType.Int64: Generic<long>(x, s, y); break;
            case DataType.UInt32: Generic<uint>(x, s, y); break;
            default: Generic<ulong>(x, s, y); break;
        }
    }

    private static void Generic<T>(TensorValue x, TensorValue s, TensorValue y) where T : unmanaged, INumber<T> =>
        BinaryBroadcast.Run<T, T, T, ScalarRuns<T, T, T, Function<T>>>(default, x, s, y);

    private readonly struct Function<T> : IBinaryFunction<T, T, T> where T : INumber<T>
    {
        public T Invoke(T x, T slope) => T.IsNegative(x) ? x * slope : x;
    }

    private readonly struct FloatRuns(SimdWidth width) : IBinaryRuns<float, float, float>
    {
        public void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> s, Span<float> y)
        {
            for (int i = 0; i < y.Length; i++)
                y[i] = x[i] < 0 ? x[i] * s[i] : x[i];
        }

        public void Run(ReadOnlySpan<float> x, float s, Span<float> y) => UnaryF32.Apply(new LeakyReluFn(s), x, y, width);

        public void Run(float x, ReadOnlySpan<float> s, Span<float> y)
        {
            for (int i = 0; i < y.Length; i++)
                y[i] = x < 0 ? x * s[i] : x;
        }
    }
}
