using System.Numerics;
using Mote.Format;
using Mote.Kernels.Elementwise;
using Mote.Runtime.Operators.Elementwise;

namespace Mote.Runtime.Operators.Normalization;

/// <summary>
/// ONNX GroupNormalization (opset 21): the C channels of x [N, C, ...] form <c>num_groups</c> groups
/// of consecutive channels; each (sample, group) is normalized with its own mean and population
/// variance, then scaled and shifted per channel: y = scale[c]·(x − μ)/√(σ² + ε) + bias[c]. The
/// opset-18 form (scale and bias per group) is not accepted. Statistics in the input precision.
/// </summary>
internal sealed class GroupNormalizationOperator(NodeDef node) : Operator(node)
{
    private readonly float _epsilon = node.GetFloat("epsilon", 1e-5f);
    private readonly long _groups = node.GetInt("num_groups", 0);

    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsFloat(t), Node.Op, t);
        var x = ctx.InputShape(0);
        if (x.Length < 2)
            throw new MoteShapeException($"input must be [N, C, ...], got {ShapeMath.Format(x)}");
        if (_groups <= 0 || x[1] % _groups != 0)
            throw new MoteShapeException($"num_groups {_groups} must divide the {x[1]} channels");
        NormalizationMath.RequireVector(ctx, 1, x[1], "scale (opset 21: one per channel)");
        NormalizationMath.RequireVector(ctx, 2, x[1], "bias (opset 21: one per channel)");
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
        int perGroup = channels / (int)_groups;
        T eps = T.CreateTruncating(_epsilon);
        var width = SimdWidths.For(ctx.Kernels.Features);
        for (long n = 0; n < x.Shape[0]; n++)
            for (int g = 0; g < _groups; g++)
            {
                int at = (int)((n * channels + g * perGroup) * spatial);
                var y = ys.Slice(at, perGroup * spatial);
                var (_, variance) = NormalizationMath.Center(xs.Slice(at, perGroup * spatial), y);
                T inv = T.One / T.Sqrt(variance + eps);
                for (int k = 0; k < perGroup; k++)
                {
                    int c = g * perGroup + k;
                    var yc = y.Slice(k * spatial, spatial);
                    NormalizationMath.Affine(yc, inv * NormalizationMath.Read<T>(ctx.Input(1), c), NormalizationMath.Read<T>(ctx.Input(2), c), yc, width);
                }
            }
    }
}
