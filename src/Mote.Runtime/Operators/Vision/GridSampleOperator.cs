using System.Numerics;
using Mote.Format;
using Mote.Kernels.Vision;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Vision;

/// <summary>
/// ONNX GridSample (opset 16, 20, 22): samples X [N, C, D1…Dr] at the normalized positions of grid
/// [N, O1…Or, r] into Y [N, C, O1…Or], for 1 to 3 spatial dimensions, f32 or f64 (X and grid of the same
/// type). <c>mode</c> linear (opset 16's "bilinear"), nearest or cubic ("bicubic"); <c>padding_mode</c>
/// zeros, border or reflection; <c>align_corners</c>. The sampling rules are <see cref="GridSampler"/>'s.
/// </summary>
internal sealed class GridSampleOperator : Operator
{
    private readonly GridSampleMode _mode;
    private readonly GridSamplePadding _padding;
    private readonly bool _alignCorners;

    public GridSampleOperator(NodeDef node) : base(node)
    {
        _mode = node.GetString("mode", "linear") switch
        {
            "linear" or "bilinear" => GridSampleMode.Linear,
            "nearest" => GridSampleMode.Nearest,
            "cubic" or "bicubic" => GridSampleMode.Cubic,
            var m => throw new MoteNotSupportedException($"GridSample mode '{m}' is not linear, nearest or cubic"),
        };
        _padding = node.GetString("padding_mode", "zeros") switch
        {
            "zeros" => GridSamplePadding.Zeros,
            "border" => GridSamplePadding.Border,
            "reflection" => GridSamplePadding.Reflection,
            var p => throw new MoteNotSupportedException($"GridSample padding_mode '{p}' is not zeros, border or reflection"),
        };
        _alignCorners = node.GetInt("align_corners", 0) != 0;
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "X", DataType.Float32, DataType.Float64);
        ctx.ExpectType(1, "grid", DataType.Float32, DataType.Float64);
        if (ctx.InputType(1) != ctx.InputType(0))
            throw new MoteNotSupportedException($"GridSample with X {ctx.InputType(0).ShortName()} and grid {ctx.InputType(1).ShortName()}: both must have the same type");
        var x = ctx.InputShape(0);
        var grid = ctx.InputShape(1);
        int r = x.Length - 2;
        if (r < 1 || r > GridSampler.MaxRank)
            throw new MoteNotSupportedException($"GridSample on X {ShapeMath.Format(x)}: 1 to {GridSampler.MaxRank} spatial dimensions are supported");
        if (grid.Length != r + 2 || grid[0] != x[0] || grid[^1] != r)
            throw new MoteShapeException($"grid {ShapeMath.Format(grid)} must be [{x[0]}, {r} output sizes…, {r}] for X {ShapeMath.Format(x)}");
        var y = new int[r + 2];
        y[0] = x[0];
        y[1] = x[1];
        grid.AsSpan(1, r).CopyTo(y.AsSpan(2));
        if (ShapeMath.Count(y) > 0 && x.AsSpan(2).Contains(0))
            throw new MoteShapeException($"GridSample cannot sample the empty image {ShapeMath.Format(x)}");
        ctx.SetOutput(0, ctx.InputType(0), y);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        if (x.Type == DataType.Float32)
            Run<float>(x, ctx.Input(1), ctx.Output(0));
        else
            Run<double>(x, ctx.Input(1), ctx.Output(0));
    }

    private void Run<T>(TensorValue xv, TensorValue gv, TensorValue yv) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (yv.Count == 0)
            return;
        int n = xv.Shape[0], c = xv.Shape[1], r = xv.Rank - 2;
        int inPlane = (int)ShapeMath.Product(xv.Shape, 2, xv.Rank), positions = (int)ShapeMath.Product(yv.Shape, 2, yv.Rank);
        var x = xv.Span<T>();
        var grid = gv.Span<T>();
        var y = yv.Span<T>();
        var sizes = xv.Shape.AsSpan(2);
        for (int b = 0; b < n; b++)
            GridSampler.Sample(x.Slice(b * c * inPlane, c * inPlane), c, sizes, grid.Slice(b * positions * r, positions * r), positions,
                _mode, _padding, _alignCorners, y.Slice(b * c * positions, c * positions));
    }
}
