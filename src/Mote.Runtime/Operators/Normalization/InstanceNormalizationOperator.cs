using System.Numerics;
using Mote.Format;
using Mote.Kernels.Elementwise;
using Mote.Runtime.Operators.Elementwise;

namespace Mote.Runtime.Operators.Normalization;

/// <summary>
/// ONNX InstanceNormalization (opset 6): for each sample and channel of x [N, C, ...], normalize over
/// the spatial elements with their own mean and (population) variance: y = scale[c]·(x − μ)/√(σ² + ε) + B[c].
/// Statistics in the input precision, two passes.
/// </summary>
internal sealed class InstanceNormalizationOperator(NodeDef node) : Operator(node)
{
    private readonly float _epsilon = node.GetFloat("epsilon", 1e-5f);

    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsFloat(t), Node.Op, t);
        var x = ctx.InputShape(0);
        if (x.Length < 2)
            throw new MoteShapeException($"input must be [N, C, ...], got {ShapeMath.Format(x)}");
        NormalizationMath.RequireVector(ctx, 1, x[1], "scale");
        NormalizationMath.RequireVector(ctx, 2, x[1], "B");
        ctx.SetOutput(0, t, x);
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
        var x = ctx.Input(0);
        var xs = x.Span<T>();
        var ys = ctx.Output(0).Span<T>();
        int channels = x.Shape[1];
        int spatial = (int)ShapeMath.Product(x.Shape, 2, x.Rank);
        T eps = T.CreateTruncating(_epsilon);
        var width = SimdWidths.For(ctx.Kernels.Features);
        for (long n = 0; n < x.Shape[0]; n++)
            for (int c = 0; c < channels; c++)
            {
                int at = (int)((n * channels + c) * spatial);
                var y = ys.Slice(at, spatial);
                var (_, variance) = NormalizationMath.Center(xs.Slice(at, spatial), y);
                T a = NormalizationMath.Read<T>(ctx.Input(1), c) / T.Sqrt(variance + eps);
                NormalizationMath.Affine(y, a, NormalizationMath.Read<T>(ctx.Input(2), c), y, width);
            }
    }
}
