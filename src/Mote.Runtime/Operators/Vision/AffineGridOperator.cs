using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Vision;

/// <summary>
/// ONNX AffineGrid (opset 20): the sampling grid of an affine transform, for GridSample. theta [N, 2, 3]
/// with size [N, C, H, W] gives [N, H, W, 2]; theta [N, 3, 4] with size [N, C, D, H, W] gives
/// [N, D, H, W, 3]. Each output point is θ·(x, y[, z], 1) over the base grid whose coordinates span
/// [−1, 1] per dimension: the centres −1 + (2i + 1)/n, or with <c>align_corners</c> −1 + 2i/(n − 1) (0 for
/// n = 1, as PyTorch does). f32 or f64, computed in double. The output shape is the value of
/// <c>size</c>, so a size computed while running makes this a dynamic step.
/// </summary>
internal sealed class AffineGridOperator(NodeDef node) : Operator(node)
{
    private readonly bool _alignCorners = node.GetInt("align_corners", 0) != 0;

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "theta", DataType.Float32, DataType.Float64);
        ctx.ExpectType(1, "size", DataType.Int64, DataType.Int32);
        var theta = ctx.InputShape(0);
        if (theta is not ([_, 2, 3] or [_, 3, 4]))
            throw new MoteShapeException($"theta {ShapeMath.Format(theta)} must be [N, 2, 3] or [N, 3, 4]");
        int r = theta[1];
        var size = ctx.GetInts(1);
        if (size.Length != r + 2 || size[0] != theta[0] || size.Any(s => s < 0 || s > int.MaxValue))
            throw new MoteShapeException($"size [{string.Join(",", size)}] must be [N={theta[0]}, C, {(r == 2 ? "H, W" : "D, H, W")}] for theta {ShapeMath.Format(theta)}");
        var y = new int[r + 2];
        y[0] = theta[0];
        for (int d = 0; d < r; d++)
            y[1 + d] = (int)size[2 + d];
        y[^1] = r;
        ctx.SetOutput(0, ctx.InputType(0), y);
    }

    public override void Execute(in NodeContext ctx)
    {
        var theta = ctx.Input(0);
        if (theta.Type == DataType.Float32)
            Run<float>(theta, ctx.Output(0));
        else
            Run<double>(theta, ctx.Output(0));
    }

    private void Run<T>(TensorValue thetaValue, TensorValue gridValue) where T : unmanaged, INumberBase<T>
    {
        var theta = thetaValue.Span<T>();
        var grid = gridValue.Span<T>();
        int r = thetaValue.Shape[1], cols = r + 1;
        var s = gridValue.Shape;
        int depth = r == 3 ? s[1] : 1, height = s[r - 1], width = s[r];
        Span<double> t = stackalloc double[r * cols];
        Span<double> p = stackalloc double[4];
        int at = 0;
        for (int n = 0; n < thetaValue.Shape[0]; n++)
        {
            for (int k = 0; k < t.Length; k++)
                t[k] = double.CreateTruncating(theta[n * t.Length + k]);
            for (int d = 0; d < depth; d++)
                for (int h = 0; h < height; h++)
                    for (int w = 0; w < width; w++)
                    {
                        // Homogeneous base point (x, y[, z], 1): x runs along W, y along H, z along D.
                        p[0] = Base(w, width);
                        p[1] = Base(h, height);
                        p[2] = r == 3 ? Base(d, depth) : 1;
                        p[3] = 1;
                        for (int i = 0; i < r; i++)
                        {
                            double v = 0;
                            for (int j = 0; j < cols; j++)
                                v += t[i * cols + j] * p[j];
                            grid[at++] = T.CreateTruncating(v);
                        }
                    }
        }
    }

    private double Base(int i, int n) =>
        _alignCorners ? (n == 1 ? 0 : -1 + 2.0 * i / (n - 1)) : -1 + (2.0 * i + 1) / n;
}
