using Mote.Format;
using Mote.Kernels.Quantized;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;

namespace Mote.Runtime.Operators.Quantization;

/// <summary>
/// ONNX DequantizeLinear (opset 25 semantics): <c>y = (x − x_zero_point) · x_scale</c> per tensor, per axis or
/// blocked (<see cref="QuantLayout"/>), from uint8, int8, uint16, int16 or int32, into f32. An
/// <c>output_dtype</c> of f16 or bf16 rounds each result to that precision (and the value stays f32 inside the
/// graph, as 16-bit floats do here).
/// </summary>
/// <remarks>Per-tensor and per-axis 8-bit runs go through the vectorized <see cref="QuantizeLinearKernel"/>.</remarks>
internal sealed class DequantizeLinearOperator : Operator
{
    private readonly long _axis;
    private readonly long _blockSize;
    private readonly DataType _precision;
    private readonly QuantizeLinearKernel _kernel;

    public DequantizeLinearOperator(NodeDef node, BuildContext build) : base(node)
    {
        _axis = node.GetInt("axis", 1);
        _blockSize = node.GetInt("block_size", 0);
        if (_blockSize < 0)
            throw new MoteShapeException($"block_size must be ≥ 0, got {_blockSize}");
        long dtype = node.GetInt("output_dtype", 0);
        _precision = dtype switch
        {
            0 or (long)DataType.Float32 => DataType.Float32,
            (long)DataType.Float16 => DataType.Float16,
            (long)DataType.BFloat16 => DataType.BFloat16,
            _ => throw new MoteNotSupportedException($"output_dtype {QuantTypes.OnnxTypeName(dtype)} is not supported (f32, f16, bf16)"),
        };
        _kernel = QuantKernelSet.Create(build.Kernels.Features).QuantizeLinear;
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "x", QuantTypes.Dequantizable);
        ctx.ExpectType(1, "x_scale", DataType.Float32);
        int[]? zeroShape = null;
        if (ctx.HasInput(2))
        {
            if (ctx.InputType(2) != ctx.InputType(0))
                throw new MoteShapeException($"x_zero_point is {ctx.InputType(2).ShortName()} but x is {ctx.InputType(0).ShortName()}");
            zeroShape = ctx.InputShape(2);
        }
        QuantLayout.Resolve(ctx.InputShape(0), ctx.InputShape(1), zeroShape, _axis, _blockSize, "x_scale");
        ctx.SetOutput(0, DataType.Float32, ctx.InputShape(0));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var scale = ctx.Input(1);
        var zero = ctx.Input(2);
        var y = ctx.Output(0);
        var layout = QuantLayout.Resolve(x.Shape, scale.Shape, zero.IsNone ? null : zero.Shape, _axis, _blockSize, "x_scale");
        var scales = scale.Span<float>();
        var ys = y.Span<float>();
        bool eightBit = x.Type is DataType.UInt8 or DataType.Int8;
        long cursor = 0;
        while (layout.NextRun(ref cursor, out long start, out int length, out long si))
        {
            float s = scales[(int)si];
            int z = zero.IsNone ? 0 : QuantTypes.ReadInt(zero, si);
            int at = checked((int)start);
            var dst = ys.Slice(at, length);
            if (eightBit && length >= 16)
            {
                _kernel.Dequantize(x.Bytes.Slice(at, length), QuantTypes.To8(x.Type), z, s, dst);
                continue;
            }
            for (int i = 0; i < length; i++)
                dst[i] = QuantizeReference.Dequantize(QuantTypes.ReadInt(x, at + i), z, s);
        }
        if (_precision == DataType.Float16)
            for (int i = 0; i < ys.Length; i++)
                ys[i] = (float)(Half)ys[i];
        else if (_precision == DataType.BFloat16)
            for (int i = 0; i < ys.Length; i++)
                ys[i] = CastConversion.RoundToBFloat16(ys[i]);
    }
}
