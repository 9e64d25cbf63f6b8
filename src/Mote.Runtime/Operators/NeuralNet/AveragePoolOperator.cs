using Mote.Format;
using Mote.Kernels.Convolution;
using Mote.Kernels.NeuralNet;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>
/// ONNX AveragePool (f32, f64; any spatial rank; count_include_pad, dilations, ceil_mode, auto_pad). f32 over
/// 1 or 2 spatial dimensions runs on the vectorised 2-D pooling kernel; the rest on the scalar N-D reference.
/// </summary>
internal sealed class AveragePoolOperator(NodeDef node) : WindowPoolOperator(node)
{
    private readonly bool _countIncludePad = node.GetInt("count_include_pad", 0) != 0;

    protected override DataType[] Types { get; } = [DataType.Float32, DataType.Float64];

    protected override void Compute(in NodeContext ctx, int planes, in Window2D window2D, scoped in WindowNd window)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        if (x.Type == DataType.Float32 && window2D.KernelWidth > 0)
            ctx.Kernels.Pool2D.AveragePool(x.Span<float>(), planes, in window2D, _countIncludePad, y.Span<float>(), ctx.Pool);
        else if (x.Type == DataType.Float32)
            PoolNdReference.Average(x.Span<float>(), planes, in window, _countIncludePad, y.Span<float>());
        else
            PoolNdReference.Average(x.Span<double>(), planes, in window, _countIncludePad, y.Span<double>());
    }
}
