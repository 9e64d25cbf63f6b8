using Mote.Format;
using Mote.Kernels.Signal;

namespace Mote.Runtime.Operators.Signal;

/// <summary>
/// ONNX HannWindow, HammingWindow and BlackmanWindow (opset 17): a 1-D window of <c>size</c> points
/// (input 0, an int32/int64 scalar), <c>periodic</c> (default 1) or symmetric, in
/// <c>output_datatype</c> (default f32). See <see cref="CosineWindow"/> for the formula. The length is
/// the input's value, so a size computed while running makes this a dynamic step.
/// </summary>
internal sealed class WindowOperator : Operator
{
    private readonly (double, double, double) _coefficients;
    private readonly bool _periodic;
    private readonly GeneratedOutput _output;

    public WindowOperator(NodeDef node) : base(node)
    {
        _coefficients = node.Op switch
        {
            OpType.HannWindow => CosineWindow.Hann,
            OpType.HammingWindow => CosineWindow.Hamming,
            OpType.BlackmanWindow => CosineWindow.Blackman,
            _ => throw new ArgumentException($"{node.Op} is not a window operator", nameof(node)),
        };
        _periodic = node.GetInt("periodic", 1) != 0;
        _output = new GeneratedOutput(node);
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "size", DataType.Int32, DataType.Int64);
        long size = ScalarInput.Int(ctx, 0, "size");
        if (size < 0 || size > int.MaxValue / sizeof(double))
            throw new MoteShapeException($"window size {size} is out of range");
        ctx.SetOutput(0, _output.Compute, [(int)size]);
        ctx.RequestScratch(GeneratedOutput.ScratchBytes(size));
    }

    public override void Execute(in NodeContext ctx)
    {
        var y = ctx.Output(0);
        CosineWindow.Fill(GeneratedOutput.Values(ctx, y.Shape[0]), _coefficients, _periodic);
        _output.Store(ctx, y);
    }
}
