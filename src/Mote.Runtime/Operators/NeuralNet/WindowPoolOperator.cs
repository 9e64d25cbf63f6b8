using Mote.Format;
using Mote.Kernels.Convolution;
using Mote.Kernels.NeuralNet;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>
/// What MaxPool, AveragePool and LpPool share: the window attributes (kernel_shape required, strides, pads,
/// dilations, auto_pad, ceil_mode), the output shape [N, C, O1…Ok] and the geometry handed to the kernels.
/// </summary>
internal abstract unsafe class WindowPoolOperator : Operator
{
    protected WindowPoolOperator(NodeDef node) : base(node)
    {
        Window = new WindowAttributes(node, kernelRequired: true, hasCeilMode: true);
    }

    protected WindowAttributes Window { get; }

    /// <summary>Element types the operator computes in.</summary>
    protected abstract DataType[] Types { get; }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "X", Types);
        var x = ctx.InputShape(0);
        int r = x.Length - 2;
        if (r < 1)
            throw new MoteShapeException($"X {ShapeMath.Format(x)} must have rank ≥ 3 (N, C, spatial…)");
        Window.CheckRank(r);
        Span<int> storage = stackalloc int[5 * r];
        var g = new SpatialGeometry(storage, r);
        Window.Resolve(x.AsSpan(2), Window.KernelShape, in g);
        var y = new int[r + 2];
        y[0] = x[0];
        y[1] = x[1];
        g.Output.CopyTo(y.AsSpan(2));
        ctx.SetOutput(0, ctx.InputType(0), y);
        ctx.SetOutput(1, DataType.Int64, (int[])y.Clone());
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        if (y.Count == 0)
            return;
        int r = x.Rank - 2;
        Span<int> storage = stackalloc int[5 * r];
        var g = new SpatialGeometry(storage, r);
        var input = x.Shape.AsSpan(2);
        ReadOnlySpan<int> kernel = Window.KernelShape;
        Window.Resolve(input, kernel, in g);
        int planes = x.Shape[0] * x.Shape[1];
        if (g.Fits2D)
            Compute(ctx, planes, g.To2D(input, kernel), g.ToNd(input, kernel));
        else
            Compute(ctx, planes, default, g.ToNd(input, kernel));
    }

    /// <summary>
    /// Pools <paramref name="planes"/> (N·C) volumes; <paramref name="window2D"/> is set (non-zero kernel)
    /// when the 2-D kernels apply (rank 1 or 2).
    /// </summary>
    protected abstract void Compute(in NodeContext ctx, int planes, in Window2D window2D, scoped in WindowNd window);
}
