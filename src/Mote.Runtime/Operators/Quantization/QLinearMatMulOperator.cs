using Mote.Format;
using Mote.Kernels.Quantized;

namespace Mote.Runtime.Operators.Quantization;

/// <summary>
/// ONNX QLinearMatMul (opset 21): the int32 product <c>(a − a_zero_point)·(b − b_zero_point)</c> of
/// <see cref="QuantizedMatMul"/>, requantized to <c>y = saturate(roundHalfEven(acc · a_scale·b_scale / y_scale) +
/// y_zero_point)</c> (<see cref="Requantize"/>). a, b and y are each uint8 or int8; scales are f32 (f16/bf16
/// arrive widened). a's parameters are per tensor or per row, b's per tensor or per column, y's per tensor.
/// </summary>
/// <remarks>Inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point. A zero or NaN y_scale is rejected when the node runs.</remarks>
internal sealed unsafe class QLinearMatMulOperator : Operator
{
    private readonly QuantizedMatMul _product;

    public QLinearMatMulOperator(NodeDef node, BuildContext build) : base(node)
    {
        _product = new QuantizedMatMul(node, build, a: 0, aZero: 2, b: 3, bZero: 5);
    }

    public override void InferShapes(ShapeContext ctx)
    {
        for (int i = 0; i < 8; i++)
            if (!ctx.HasInput(i))
                throw new MoteShapeException($"QLinearMatMul needs all 8 inputs; input {i} is missing");
        var shape = _product.InferShapes(ctx);
        ctx.ExpectType(1, "a_scale", DataType.Float32);
        ctx.ExpectType(4, "b_scale", DataType.Float32);
        ctx.ExpectType(6, "y_scale", DataType.Float32);
        ctx.ExpectType(7, "y_zero_point", QuantTypes.EightBit);
        MatMulParams.Check(ctx.InputShape(1), ctx.InputShape(0), true, "a_scale");
        MatMulParams.Check(ctx.InputShape(4), ctx.InputShape(3), false, "b_scale");
        if (!MatMulParams.IsPerTensor(ctx.InputShape(6)) || !MatMulParams.IsPerTensor(ctx.InputShape(7)))
            throw new MoteNotSupportedException($"y_scale {ShapeMath.Format(ctx.InputShape(6))} and y_zero_point {ShapeMath.Format(ctx.InputShape(7))} must be per tensor (one value)");
        ctx.SetOutput(0, ctx.InputType(7), shape);
        ctx.RequestScratch(Layout(ctx.InputShape(0), ctx.InputShape(1), ctx.InputShape(3), ctx.InputShape(4), shape, _product.ScratchBytes(ctx)).Total);
    }

    /// <summary>Scratch regions: accumulators, expanded a and b scales, then the product's zero points.</summary>
    private static (long Scales, long Product, long Total) Layout(int[] a, int[] aScale, int[] b, int[] bScale, int[] y, long productBytes)
    {
        long acc = QuantizedMatMul.Align(ShapeMath.Count(y) * sizeof(int));
        long scales = QuantizedMatMul.Align(MatMulParams.ExpandedCount(aScale, a, true) * sizeof(float))
            + QuantizedMatMul.Align(MatMulParams.ExpandedCount(bScale, b, false) * sizeof(float));
        return (acc, acc + scales, acc + scales + productBytes);
    }

    public override void Execute(in NodeContext ctx)
    {
        var y = ctx.Output(0);
        if (y.Count == 0)
            return;
        var a = ctx.Input(0);
        var b = ctx.Input(3);
        var aScale = ctx.Input(1);
        var bScale = ctx.Input(4);
        var yScale = ctx.Input(6).Span<float>();
        QuantTypes.CheckDivisor(yScale, "y_scale");
        int yZero = QuantTypes.ReadInt(ctx.Input(7), 0);
        var g = _product.Describe(in ctx);
        var (scalesAt, productAt, _) = Layout(a.Shape, aScale.Shape, b.Shape, bScale.Shape, y.Shape, 0);
        int aCount = (int)MatMulParams.ExpandedCount(aScale.Shape, a.Shape, true);
        int bCount = (int)MatMulParams.ExpandedCount(bScale.Shape, b.Shape, false);
        fixed (byte* scratch = ctx.Scratch)
        {
            int* acc = (int*)scratch;
            var rowScales = new Span<float>(scratch + scalesAt, aCount);
            var colScales = new Span<float>(scratch + scalesAt + QuantizedMatMul.Align((long)aCount * sizeof(float)), bCount);
            MatMulParams.Expand(aScale, a.Shape, true, static (t, i) => t.Span<float>()[(int)i], rowScales);
            MatMulParams.Expand(bScale, b.Shape, false, static (t, i) => t.Span<float>()[(int)i], colScales);
            _product.Run(in ctx, in g, acc, scratch + productAt);

            var type = QuantTypes.To8(y.Type);
            var ys = y.Bytes;
            int m = g.M, n = g.N;
            for (int t = 0; t < g.Count; t++)
            {
                var (ai, bi) = QuantizedMatMul.Sources(a.Shape, b.Shape, t);
                ReadOnlySpan<float> rs = aCount == 1 ? rowScales : rowScales.Slice(ai * m, m);
                ReadOnlySpan<float> cs = bCount == 1 ? colScales : colScales.Slice(bi * n, n);
                Requantize.Block(new ReadOnlySpan<int>(acc + (long)t * m * n, m * n), m, n, n, [], rs, cs, yScale[0], yZero, type,
                    ys.Slice(t * m * n, m * n), n);
            }
        }
    }
}
