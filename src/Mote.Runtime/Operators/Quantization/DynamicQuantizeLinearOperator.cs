using System.Numerics.Tensors;
using Mote.Format;
using Mote.Kernels.Quantized;

namespace Mote.Runtime.Operators.Quantization;

/// <summary>
/// ONNX DynamicQuantizeLinear (opset 11): uint8 quantization with parameters from the data. The range is
/// [min(0, min x), max(0, max x)]; <c>y_scale = (max − min) / 255</c> (1 when the range is empty, i.e. all x are
/// 0, as ONNX's reference does); <c>y_zero_point = roundHalfEven(clamp(0 − min / y_scale, 0, 255))</c>; then
/// <c>y = saturate(roundHalfEven(x / y_scale) + y_zero_point)</c>, all in f32.
/// </summary>
/// <remarks>
/// NaN elements are left out of the range (the spec does not define them; a NaN scale would poison every
/// element) and quantize to 0 like QuantizeLinear's NaN. Outputs: y (uint8, x's shape), y_scale (f32 scalar),
/// y_zero_point (uint8 scalar).
/// </remarks>
internal sealed class DynamicQuantizeLinearOperator : Operator
{
    private readonly QuantizeLinearKernel _kernel;

    public DynamicQuantizeLinearOperator(NodeDef node, BuildContext build) : base(node)
    {
        _kernel = QuantKernelSet.Create(build.Kernels.Features).QuantizeLinear;
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "x", DataType.Float32);
        ctx.SetOutput(0, DataType.UInt8, ctx.InputShape(0));
        ctx.SetOutput(1, DataType.Float32, []);
        ctx.SetOutput(2, DataType.UInt8, []);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0).Span<float>();
        var (min, max) = Range(x);
        min = MathF.Min(0f, min);
        max = MathF.Max(0f, max);
        float scale = max == min ? 1f : (max - min) / 255f;
        float zero = MathF.Round(Math.Clamp(0f - min / scale, 0f, 255f), MidpointRounding.ToEven);
        int zp = float.IsNaN(zero) ? 0 : (int)zero;
        if (!ctx.Output(0).IsNone)
            _kernel.Quantize(x, scale, zp, QuantType8.QU8, ctx.Output(0).Bytes);
        if (!ctx.Output(1).IsNone)
            ctx.Output(1).Span<float>()[0] = scale;
        if (!ctx.Output(2).IsNone)
            ctx.Output(2).Span<byte>()[0] = (byte)zp;
    }

    /// <summary>Smallest and largest non-NaN values (0, 0 when there are none).</summary>
    private static (float Min, float Max) Range(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty)
            return (0f, 0f);
        float min = TensorPrimitives.Min(x), max = TensorPrimitives.Max(x);
        if (!float.IsNaN(min) && !float.IsNaN(max))
            return (min, max);
        // Rare: some element is NaN (the vectorized reductions propagate it); rescan skipping NaN.
        min = float.PositiveInfinity;
        max = float.NegativeInfinity;
        foreach (float v in x)
            if (!float.IsNaN(v))
            {
                min = MathF.Min(min, v);
                max = MathF.Max(max, v);
            }
        return min > max ? (0f, 0f) : (min, max);
    }
}
