using Mote.Format;
using Mote.Kernels.NeuralNet;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>
/// ONNX GlobalAveragePool, GlobalMaxPool and GlobalLpPool (f32, f64): one value per (N, C) over all spatial
/// dimensions, output [N, C, 1, …, 1]. f32 average and max run on the vectorised kernel, N·C planes split
/// across threads; Lp and f64 on the scalar reference.
/// </summary>
internal sealed class GlobalPoolOperator : Operator
{
    private readonly GlobalPoolKind _kind;
    private readonly int _p;

    public GlobalPoolOperator(NodeDef node, GlobalPoolKind kind) : base(node)
    {
        _kind = kind;
        long p = kind == GlobalPoolKind.Lp ? node.GetInt("p", 2) : 2;
        _p = p is >= 1 and <= 64 ? (int)p : throw new MoteNotSupportedException($"GlobalLpPool p = {p} (supported: 1 to 64)");
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "X", DataType.Float32, DataType.Float64);
        var x = ctx.InputShape(0);
        if (x.Length < 2)
            throw new MoteShapeException($"X {ShapeMath.Format(x)} must have rank ≥ 2 (N, C, spatial…)");
        var y = new int[x.Length];
        Array.Fill(y, 1);
        y[0] = x[0];
        y[1] = x[1];
        ctx.SetOutput(0, ctx.InputType(0), y);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        int planes = x.Shape[0] * x.Shape[1];
        if (planes == 0)
            return;
        int spatial = (int)(x.Count / planes);
        if (x.Type == DataType.Float32 && _kind != GlobalPoolKind.Lp)
        {
            if (_kind == GlobalPoolKind.Max)
                ctx.Kernels.Pool2D.GlobalMaxPool(x.Span<float>(), planes, spatial, y.Span<float>(), ctx.Pool);
            else
                ctx.Kernels.Pool2D.GlobalAveragePool(x.Span<float>(), planes, spatial, y.Span<float>(), ctx.Pool);
        }
        else if (x.Type == DataType.Float32)
            Reference(x.Span<float>(), y.Span<float>(), spatial);
        else
            Reference(x.Span<double>(), y.Span<double>(), spatial);
    }

    private void Reference<T>(ReadOnlySpan<T> x, Span<T> y, int spatial) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < y.Length; i++)
            y[i] = PoolNdReference.Global(x.Slice(i * spatial, spatial), _kind, _p);
    }
}
