using System.Numerics;
using Mote.Format;
using Mote.Kernels.Vision;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Vision;

/// <summary>
/// ONNX RoiAlign (opset 16, 22; the converter spells out RoiAlign-10's output_half_pixel mapping): pools X
/// [N, C, H, W] over rois [R, 4] (x1, y1, x2, y2) of images batch_indices [R] into Y [R, C,
/// output_height, output_width], f32 or f64. Corners are scaled by <c>spatial_scale</c>; half_pixel
/// (default) shifts them by −0.5, output_half_pixel keeps them and forces regions to at least 1×1.
/// <c>mode</c> avg or max and <c>sampling_ratio</c> (0 = adaptive) as <see cref="RoiAlign"/> defines.
/// </summary>
internal sealed class RoiAlignOperator : Operator
{
    private readonly bool _halfPixel;
    private readonly RoiAlignMode _mode;
    private readonly int _outH, _outW, _samplingRatio;
    private readonly float _scale;

    public RoiAlignOperator(NodeDef node) : base(node)
    {
        _halfPixel = node.GetString("coordinate_transformation_mode", "half_pixel") switch
        {
            "half_pixel" => true,
            "output_half_pixel" => false,
            var m => throw new MoteNotSupportedException($"RoiAlign coordinate_transformation_mode '{m}' is not half_pixel or output_half_pixel"),
        };
        _mode = node.GetString("mode", "avg") switch
        {
            "avg" => RoiAlignMode.Average,
            "max" => RoiAlignMode.Max,
            var m => throw new MoteNotSupportedException($"RoiAlign mode '{m}' is not avg or max"),
        };
        long h = node.GetInt("output_height", 1), w = node.GetInt("output_width", 1), s = node.GetInt("sampling_ratio", 0);
        if (h < 1 || w < 1 || h > int.MaxValue || w > int.MaxValue || s < 0 || s > RoiAlign.MaxSamplesPerSide)
            throw new MoteShapeException($"RoiAlign output {h}×{w} must be positive and sampling_ratio {s} in [0, {RoiAlign.MaxSamplesPerSide}]");
        (_outH, _outW, _samplingRatio) = ((int)h, (int)w, (int)s);
        _scale = node.GetFloat("spatial_scale", 1f);
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "X", DataType.Float32, DataType.Float64);
        ctx.ExpectType(1, "rois", ctx.InputType(0));
        ctx.ExpectType(2, "batch_indices", DataType.Int64, DataType.Int32);
        var x = ctx.InputShape(0);
        var rois = ctx.InputShape(1);
        if (x.Length != 4 || rois is not [var r, 4] || ctx.InputShape(2) is not [var ri] || ri != r)
            throw new MoteShapeException($"RoiAlign needs X [N, C, H, W], rois [R, 4] and batch_indices [R], got {ShapeMath.Format(x)}, {ShapeMath.Format(rois)}, {ShapeMath.Format(ctx.InputShape(2))}");
        if (r > 0 && (x[2] == 0 || x[3] == 0))
            throw new MoteShapeException($"RoiAlign cannot pool the empty image {ShapeMath.Format(x)}");
        ctx.SetOutput(0, ctx.InputType(0), [r, x[1], _outH, _outW]);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        if (x.Type == DataType.Float32)
            Run<float>(x, ctx.Input(1), ctx.Input(2), ctx.Output(0));
        else
            Run<double>(x, ctx.Input(1), ctx.Input(2), ctx.Output(0));
    }

    private void Run<T>(TensorValue xv, TensorValue roisValue, TensorValue batchValue, TensorValue yv) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int channels = xv.Shape[1], height = xv.Shape[2], width = xv.Shape[3];
        int image = channels * height * width, pooled = channels * _outH * _outW;
        var x = xv.Span<T>();
        var rois = roisValue.Span<T>();
        var y = yv.Span<T>();
        T scale = T.CreateTruncating(_scale), offset = _halfPixel ? T.CreateTruncating(0.5) : T.Zero;
        for (int r = 0; r < roisValue.Shape[0]; r++)
        {
            long b = batchValue.Type == DataType.Int64 ? batchValue.Span<long>()[r] : batchValue.Span<int>()[r];
            if (b < 0 || b >= xv.Shape[0])
                throw new MoteShapeException($"batch index {b} of region {r} is outside [0, {xv.Shape[0]})");
            var roi = rois.Slice(4 * r, 4);
            T startW = roi[0] * scale - offset, startH = roi[1] * scale - offset;
            T roiW = roi[2] * scale - offset - startW, roiH = roi[3] * scale - offset - startH;
            if (!_halfPixel)
            {
                // Malformed regions are forced to 1×1, as the original (aligned=False) RoiAlign does.
                roiW = T.Max(roiW, T.One);
                roiH = T.Max(roiH, T.One);
            }
            RoiAlign.Pool(x.Slice((int)b * image, image), channels, height, width, startH, startW, roiH, roiW, _outH, _outW,
                _samplingRatio, _mode, y.Slice(r * pooled, pooled));
        }
    }
}
