using System.Numerics;
using System.Numerics.Tensors;
using Mote.Format;
using Mote.Runtime.Operators.Elementwise;

namespace Mote.Runtime.Operators.Misc;

/// <summary>
/// ONNX LRN (opset 13), local response normalization across channels, f32/f64: for x [N, C, …],
/// y[n, c] = x[n, c] / (bias + alpha/size · Σ x[n, c′]²)^beta over the channels
/// c′ ∈ [c − ⌊(size−1)/2⌋, c + ⌈(size−1)/2⌉] that exist. Works a plane at a time with vectorized
/// TensorPrimitives passes; the window sum uses a plane of scratch.
/// </summary>
internal sealed class LrnOperator : Operator
{
    private readonly float _alpha, _beta, _bias;
    private readonly int _size;

    public LrnOperator(NodeDef node) : base(node)
    {
        _alpha = node.GetFloat("alpha", 1e-4f);
        _beta = node.GetFloat("beta", 0.75f);
        _bias = node.GetFloat("bias", 1f);
        long size = node.GetInt("size", 0);
        _size = size is > 0 and <= int.MaxValue ? (int)size : throw new MoteShapeException($"LRN size must be a positive integer, got {size}");
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsFloat(t), Node.Op, t);
        var x = ctx.InputShape(0);
        if (x.Length < 2)
            throw new MoteShapeException($"LRN input must be [N, C, …], got {ShapeMath.Format(x)}");
        ctx.SetOutput(0, t, x);
        ctx.RequestScratch(ShapeMath.Product(x, 2, x.Length) * t.Size());
    }

    public override void Execute(in NodeContext ctx)
    {
        if (ctx.Input(0).Type == DataType.Float32)
            Run<float>(ctx);
        else
            Run<double>(ctx);
    }

    private void Run<T>(in NodeContext ctx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var input = ctx.Input(0);
        var x = input.Span<T>();
        var y = ctx.Output(0).Span<T>();
        int channels = input.Shape[1], plane = (int)ShapeMath.Product(input.Shape, 2, input.Rank);
        var sum = ctx.ScratchAs<T>(0, plane);
        int before = (_size - 1) / 2, after = _size - 1 - before;
        T k = T.CreateTruncating(_alpha) / T.CreateTruncating(_size), bias = T.CreateTruncating(_bias), negBeta = -T.CreateTruncating(_beta);
        for (int n = 0; n < input.Shape[0]; n++)
            for (int c = 0; c < channels; c++)
            {
                sum.Clear();
                for (int w = Math.Max(0, c - before); w <= Math.Min(channels - 1, c + after); w++)
                {
                    var xw = x.Slice((n * channels + w) * plane, plane);
                    TensorPrimitives.MultiplyAdd(xw, xw, sum, sum);
                }
                // y = x · (bias + k·Σ)^(−beta)
                TensorPrimitives.Multiply(sum, k, sum);
                TensorPrimitives.Add(sum, bias, sum);
                TensorPrimitives.Pow(sum, negBeta, sum);
                int at = (n * channels + c) * plane;
                TensorPrimitives.Multiply(x.Slice(at, plane), sum, y.Slice(at, plane));
            }
    }
}
