using Mote.Format;
using Mote.Kernels.Convolution;
using Mote.Kernels.NeuralNet;
using Mote.Kernels.Pooling;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>
/// ONNX MaxPool (f32, f64, int8, uint8; any spatial rank; dilations, ceil_mode, auto_pad; the optional
/// Indices output with storage_order). f32 over 1 or 2 spatial dimensions without Indices runs on the
/// vectorised 2-D pooling kernel, N·C planes split across threads; int8 and uint8 likewise on
/// <see cref="MaxPool8Bit"/> (an int8 model's pools); the rest on the scalar N-D reference.
/// </summary>
internal sealed class MaxPoolOperator(NodeDef node) : WindowPoolOperator(node)
{
    private readonly bool _columnMajor = node.GetInt("storage_order", 0) != 0;

    protected override DataType[] Types { get; } = [DataType.Float32, DataType.Float64, DataType.Int8, DataType.UInt8];

    protected override void Compute(in NodeContext ctx, int planes, in Window2D window2D, scoped in WindowNd window)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        var indices = ctx.Output(1);
        var ids = indices.IsNone ? default : indices.Span<long>();
        if (x.Type == DataType.Float32 && indices.IsNone && window2D.KernelWidth > 0)
            ctx.Kernels.Pool2D.MaxPool(x.Span<float>(), planes, in window2D, y.Span<float>(), ctx.Pool);
        else if (x.Type == DataType.Float32)
            PoolNdReference.Max(x.Span<float>(), planes, in window, y.Span<float>(), ids, _columnMajor);
        else if (x.Type == DataType.Float64)
            PoolNdReference.Max(x.Span<double>(), planes, in window, y.Span<double>(), ids, _columnMajor);
        else if (x.Type == DataType.Int8 && indices.IsNone && window2D.KernelWidth > 0)
            MaxPool8Bit.Run(x.Span<sbyte>(), planes, in window2D, y.Span<sbyte>());
        else if (x.Type == DataType.UInt8 && indices.IsNone && window2D.KernelWidth > 0)
            MaxPool8Bit.Run(x.Span<byte>(), planes, in window2D, y.Span<byte>());
        else if (x.Type == DataType.Int8)
            PoolNdReference.Max(x.Span<sbyte>(), planes, in window, y.Span<sbyte>(), ids, _columnMajor);
        else
            PoolNdReference.Max(x.Span<byte>(), planes, in window, y.Span<byte>(), ids, _columnMajor);
    }
}
