using System.Numerics;
using Mote.Format;
using Mote.Kernels.Vision;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Vision;

/// <summary>
/// ONNX MaxRoiPool (opset 1, 22): max-pools X [N, C, H, W] over rois [R, 5] (batch index, x1, y1, x2, y2)
/// into Y [R, C, pooled_shape], f32 or f64, with corners scaled by <c>spatial_scale</c>; the bins are
/// <see cref="RoiMaxPool"/>'s.
/// </summary>
internal sealed class MaxRoiPoolOperator : Operator
{
    private readonly int _pooledH, _pooledW;
    private readonly float _scale;

    public MaxRoiPoolOperator(NodeDef node) : base(node)
    {
        var shape = node.GetIntArray("pooled_shape");
        if (shape is not [> 0, > 0])
            throw new MoteShapeException("MaxRoiPool needs 'pooled_shape' with two positive values");
        (_pooledH, _pooledW) = (shape[0], shape[1]);
        _scale = node.GetFloat("spatial_scale", 1f);
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "X", DataType.Float32, DataType.Float64);
        ctx.ExpectType(1, "rois", ctx.InputType(0));
        var x = ctx.InputShape(0);
        if (x.Length != 4 || ctx.InputShape(1) is not [var r, 5])
            throw new MoteShapeException($"MaxRoiPool needs X [N, C, H, W] and rois [R, 5], got {ShapeMath.Format(x)} and {ShapeMath.Format(ctx.InputShape(1))}");
        ctx.SetOutput(0, ctx.InputType(0), [r, x[1], _pooledH, _pooledW]);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        if (x.Type == DataType.Float32)
            Run<float>(x, ctx.Input(1), ctx.Output(0));
        else
            Run<double>(x, ctx.Input(1), ctx.Output(0));
    }

    private void Run<T>(TensorValue xv, TensorValue roisValue, TensorValue yv) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int channels = xv.Shape[1], height = xv.Shape[2], width = xv.Shape[3];
        int image = channels * height * width, pooled = channels * _pooledH * _pooledW;
        var x = xv.Span<T>();
        var rois = roisValue.Span<T>();
        var y = yv.Span<T>();
        for (int r = 0; r < roisValue.Shape[0]; r++)
        {
            var roi = rois.Slice(5 * r, 5);
            // The batch index is stored as a float and truncated.
            T b = T.Truncate(roi[0]);
            if (!(b >= T.Zero && b < T.CreateTruncating(xv.Shape[0])))
                throw new MoteShapeException($"batch index {roi[0]} of region {r} is outside [0, {xv.Shape[0]})");
            RoiMaxPool.Pool(x.Slice(int.CreateTruncating(b) * image, image), channels, height, width, roi[1], roi[2], roi[3], roi[4],
                T.CreateTruncating(_scale), _pooledH, _pooledW, y.Slice(r * pooled, pooled));
        }
    }
}
