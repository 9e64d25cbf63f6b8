using Mote.Format;
using Mote.Kernels.Elementwise;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;
using Mote.Runtime.Operators.Reduce;

// Not "Operators.Math": a namespace named Math would hide System.Math from every Operators.* namespace.
namespace Mote.Runtime.Operators.Mathematics;

/// <summary>
/// ONNX Softmax, LogSoftmax and Hardmax (opset 13): along one axis (default −1), f32 and f64.
/// Softmax subtracts the maximum before exponentiating. f32 uses the vectorized kernels
/// (<see cref="SoftmaxF32"/>): per contiguous row when the axis is the last one, otherwise across
/// rows of the inner dimensions. Hardmax puts 1 at the first maximum (NaN counts as the maximum).
/// </summary>
internal sealed class SoftmaxOperator(NodeDef node) : Operator(node)
{
    private readonly long _axis = node.GetInt("axis", -1);

    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsFloat(t), Node.Op, t);
        var shape = ctx.InputShape(0);
        int rank = Math.Max(1, shape.Length);
        int axis = ShapeMath.Axis(_axis, rank, Node.Op.ToString());
        long inner = shape.Length == 0 ? 1 : ShapeMath.Product(shape, axis + 1, shape.Length);
        if (inner > 1 && Node.Op != OpType.Hardmax)
            ctx.RequestScratch(2 * inner * (t == DataType.Float32 ? sizeof(float) : sizeof(double)));
        ctx.SetOutput(0, t, shape);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        var shape = x.Shape;
        int axis = shape.Length == 0 ? 0 : ReduceAxes.Normalize(_axis, shape.Length);
        int n = shape.Length == 0 ? 1 : shape[axis];
        int inner = shape.Length == 0 ? 1 : (int)ShapeMath.Product(shape, axis + 1, shape.Length);
        long outer = shape.Length == 0 ? 1 : ShapeMath.Product(shape, 0, axis);
        if (n == 0 || inner == 0 || outer == 0)
            return;
        if (Node.Op == OpType.Hardmax)
        {
            if (x.Type == DataType.Float32)
                Hardmax(x.Span<float>(), y.Span<float>(), outer, n, inner);
            else
                Hardmax(x.Span<double>(), y.Span<double>(), outer, n, inner);
            return;
        }
        bool log = Node.Op == OpType.LogSoftmax;
        if (x.Type == DataType.Float64)
        {
            Reference(x.Span<double>(), y.Span<double>(), outer, n, inner, log, ctx.ScratchAs<double>(0, inner == 1 ? 0 : 2 * inner));
            return;
        }
        var xs = x.Span<float>();
        var ys = y.Span<float>();
        var width = SimdWidths.For(ctx.Kernels.Features);
        int group = n * inner;
        if (inner == 1)
        {
            for (long o = 0; o < outer; o++)
            {
                var row = xs.Slice((int)(o * n), n);
                if (log)
                    SoftmaxF32.LogSoftmax(row, ys.Slice((int)(o * n), n), width);
                else
                    SoftmaxF32.Softmax(row, ys.Slice((int)(o * n), n), width);
            }
            return;
        }
        var scratch = ctx.ScratchAs<float>(0, 2 * inner);
        for (long o = 0; o < outer; o++)
            SoftmaxF32.SoftmaxStrided(xs.Slice((int)(o * group), group), ys.Slice((int)(o * group), group), n, inner, scratch, log, width);
    }

    // Double precision: max, then Σ e^(x−max), then normalize; lanes of a strided axis side by side.
    private static void Reference(ReadOnlySpan<double> x, Span<double> y, long outer, int n, int inner, bool log, Span<double> scratch)
    {
        Span<double> one = stackalloc double[2];
        var max = inner == 1 ? one[..1] : scratch[..inner];
        var sum = inner == 1 ? one[1..] : scratch.Slice(inner, inner);
        for (long o = 0; o < outer; o++)
        {
            int b = (int)(o * n * inner);
            max.Fill(double.NegativeInfinity);
            sum.Clear();
            for (int k = 0; k < n; k++)
                for (int i = 0; i < inner; i++)
                {
                    double v = x[b + k * inner + i];
                    max[i] = double.IsNaN(v) || double.IsNaN(max[i]) ? double.NaN : Math.Max(max[i], v);
                }
            for (int k = 0; k < n; k++)
                for (int i = 0; i < inner; i++)
                {
                    double e = Math.Exp(x[b + k * inner + i] - max[i]);
                    sum[i] += e;
                    y[b + k * inner + i] = e;
                }
            for (int k = 0; k < n; k++)
                for (int i = 0; i < inner; i++)
                    y[b + k * inner + i] = log ? (x[b + k * inner + i] - max[i]) - Math.Log(sum[i]) : y[b + k * inner + i] / sum[i];
        }
    }

    private static void Hardmax<T>(ReadOnlySpan<T> x, Span<T> y, long outer, int n, int inner) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        y.Clear();
        for (long o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = (int)(o * n * inner) + i;
                int best = 0;
                for (int k = 1; k < n && !T.IsNaN(x[b + best * inner]); k++)
                {
                    T v = x[b + k * inner];
                    if (T.IsNaN(v) || v > x[b + best * inner])
                        best = k;
                }
                y[b + best * inner] = T.One;
            }
    }
}
