using Mote.Format;
using Mote.Kernels.Convolution;
using Mote.Kernels.NeuralNet;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>ONNX LpPool (f32, f64; any spatial rank): <c>(Σ |x|^p)^(1/p)</c> per window, on the scalar N-D reference.</summary>
internal sealed class LpPoolOperator : WindowPoolOperator
{
    private readonly int _p;

    public LpPoolOperator(NodeDef node) : base(node)
    {
        long p = node.GetInt("p", 2);
        _p = p is >= 1 and <= 64 ? (int)p : throw new MoteNotSupportedException($"LpPool p = {p} (supported: 1 to 64)");
    }

    protected override DataType[] Types { get; } = [DataType.Float32, DataType.Float64];

    protected override void Compute(in NodeContext ctx, int planes, in Window2D window2D, scoped in WindowNd window)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        if (x.Type == DataType.Float32)
            PoolNdReference.Lp(x.Span<float>(), planes, in window, _p, y.Span<float>());
        else
            PoolNdReference.Lp(x.Span<double>(), planes, in window, _p, y.Span<double>());
    }
}
