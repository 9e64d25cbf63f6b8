using Mote.Format;

namespace Mote.Runtime.Operators.Quantization;

/// <summary>
/// ONNX ConvInteger (opset 10): <c>y = conv(x − x_zero_point, w − w_zero_point)</c> in int32 for uint8/int8 x and w,
/// any spatial rank, with Conv's attributes (group, strides, dilations, pads, auto_pad, kernel_shape). x's zero
/// point is per tensor; w's per tensor or per output channel (<see cref="QuantizedConv"/>). Sums go straight into y.
/// </summary>
internal sealed unsafe class ConvIntegerOperator : Operator
{
    private readonly QuantizedConv _conv;

    public ConvIntegerOperator(NodeDef node, BuildContext build) : base(node)
    {
        _conv = new QuantizedConv(node, build, x: 0, xZero: 2, w: 1, wZero: 3);
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var y = _conv.InferShapes(ctx, out var geometry);
        ctx.SetOutput(0, DataType.Int32, y);
        ctx.RequestScratch(QuantizedConv.ScratchBytes(in geometry, y[1], requantize: false));
    }

    public override void Execute(in NodeContext ctx)
    {
        var y = ctx.Output(0);
        if (y.Count == 0)
            return;
        var output = new QuantizedConvOutput { Int32Y = (int*)y.Data };
        fixed (byte* scratch = ctx.Scratch)
            _conv.Run(in ctx, scratch, in output, requantize: false);
    }
}
