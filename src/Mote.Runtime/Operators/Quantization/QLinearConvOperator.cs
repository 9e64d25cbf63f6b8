using Mote.Format;
using Mote.Kernels.Quantized;

namespace Mote.Runtime.Operators.Quantization;

/// <summary>
/// ONNX QLinearConv (opset 10): the integer convolution of <see cref="QuantizedConv"/> plus an int32 bias, requantized
/// per output channel to <c>y = saturate(roundHalfEven((acc + B[m]) · x_scale·w_scale[m] / y_scale) + y_zero_point)</c>
/// (<see cref="Requantize"/>). x, w and y are each uint8 or int8; w's scale and zero point are per tensor or per
/// output channel, the others per tensor.
/// </summary>
/// <remarks>Inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B (optional). A zero or NaN y_scale is rejected when the node runs.</remarks>
internal sealed unsafe class QLinearConvOperator : Operator
{
    private readonly QuantizedConv _conv;

    public QLinearConvOperator(NodeDef node, BuildContext build) : base(node)
    {
        _conv = new QuantizedConv(node, build, x: 0, xZero: 2, w: 3, wZero: 5);
    }

    public override void InferShapes(ShapeContext ctx)
    {
        for (int i = 0; i < 8; i++)
            if (!ctx.HasInput(i))
                throw new MoteShapeException($"QLinearConv needs inputs 0-7; input {i} is missing");
        var y = _conv.InferShapes(ctx, out _);
        ctx.ExpectType(1, "x_scale", DataType.Float32);
        ctx.ExpectType(4, "w_scale", DataType.Float32);
        ctx.ExpectType(6, "y_scale", DataType.Float32);
        ctx.ExpectType(7, "y_zero_point", QuantTypes.EightBit);
        int m = y[1];
        if (ShapeMath.Count(ctx.InputShape(1)) != 1 || ShapeMath.Count(ctx.InputShape(6)) != 1 || ShapeMath.Count(ctx.InputShape(7)) != 1)
            throw new MoteNotSupportedException("x_scale, y_scale and y_zero_point must be per tensor (one value)");
        QuantizedConv.CheckPerChannel(ctx.InputShape(4), m, "w_scale");
        if (ctx.HasInput(8))
        {
            ctx.ExpectType(8, "B", DataType.Int32);
            if (ctx.InputShape(8) is not [var b] || b != m)
                throw new MoteShapeException($"bias {ShapeMath.Format(ctx.InputShape(8))} must be [{m}]");
        }
        ctx.SetOutput(0, ctx.InputType(7), y);
        Span<int> storage = stackalloc int[7 * (y.Length - 2)];
        var geometry = _conv.Describe(ctx.InputShape(0), ctx.InputShape(3), storage, out _, requantize: true);
        ctx.RequestScratch(QuantizedConv.ScratchBytes(in geometry, m, requantize: true));
    }

    public override void Execute(in NodeContext ctx)
    {
        var y = ctx.Output(0);
        if (y.Count == 0)
            return;
        var yScale = ctx.Input(6).Span<float>();
        QuantTypes.CheckDivisor(yScale, "y_scale");
        var wScale = ctx.Input(4);
        var bias = ctx.Input(8);
        var output = new QuantizedConvOutput
        {
            Y = (byte*)y.Data, YType = QuantTypes.To8(y.Type), YZero = QuantTypes.ReadInt(ctx.Input(7), 0),
            YScale = yScale[0], XScale = ctx.Input(1).Span<float>()[0],
            Bias = bias.IsNone ? null : (int*)bias.Data,
            WScale = (float*)wScale.Data, WScaleCount = (int)wScale.Count,
        };
        fixed (byte* scratch = ctx.Scratch)
            _conv.Run(in ctx, scratch, in output, requantize: true);
    }
}
