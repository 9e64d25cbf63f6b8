using Mote.Format;

namespace Mote.Runtime.Operators.Quantization;

/// <summary>
/// ONNX MatMulInteger (opset 10): <c>Y = (A − a_zero_point)·(B − b_zero_point)</c> in int32, for uint8/int8 A and B,
/// with NumPy matmul broadcasting and zero points per tensor, per row of A or per column of B
/// (<see cref="QuantizedMatMul"/>). Products are written straight into Y.
/// </summary>
internal sealed unsafe class MatMulIntegerOperator : Operator
{
    private readonly QuantizedMatMul _product;

    public MatMulIntegerOperator(NodeDef node, BuildContext build) : base(node)
    {
        _product = new QuantizedMatMul(node, build, a: 0, aZero: 2, b: 1, bZero: 3);
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.SetOutput(0, DataType.Int32, _product.InferShapes(ctx));
        ctx.RequestScratch(_product.ScratchBytes(ctx));
    }

    public override void Execute(in NodeContext ctx)
    {
        var y = ctx.Output(0);
        if (y.Count == 0)
            return;
        var g = _product.Describe(in ctx);
        fixed (byte* scratch = ctx.Scratch)
            _product.Run(in ctx, in g, (int*)y.Data, scratch);
    }
}
