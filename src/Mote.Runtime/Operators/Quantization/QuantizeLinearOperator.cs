using System.Numerics;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Kernels.Quantized;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Quantization;

/// <summary>
/// ONNX QuantizeLinear (opset 25 semantics): <c>y = saturate(roundHalfEven(x / y_scale) + y_zero_point)</c>, per
/// tensor, per axis or blocked (<see cref="QuantLayout"/>), into uint8, int8, uint16 or int16 (the zero point's
/// type, else <c>output_dtype</c>, else uint8). <c>x</c> is f32 (f16/bf16 arrive widened) or int32; the division
/// is in f32 (<c>precision</c> naming f32, f16 or bf16 is accepted: 16-bit floats compute in f32 here).
/// </summary>
/// <remarks>
/// Per-tensor and per-axis 8-bit runs from f32 go through the vectorized <see cref="QuantizeLinearKernel"/>; the
/// rest through <see cref="QuantizeReference"/>. NaN quantizes to 0; a zero or NaN scale is rejected when the
/// node runs. <c>saturate</c> only concerns float8 outputs, which are not supported.
/// </remarks>
internal sealed class QuantizeLinearOperator : Operator
{
    private readonly long _axis;
    private readonly long _blockSize;
    private readonly DataType? _outputType;
    private readonly QuantizeLinearKernel _kernel;

    public QuantizeLinearOperator(NodeDef node, BuildContext build) : base(node)
    {
        _axis = node.GetInt("axis", 1);
        _blockSize = node.GetInt("block_size", 0);
        if (_blockSize < 0)
            throw new MoteShapeException($"block_size must be ≥ 0, got {_blockSize}");
        long dtype = node.GetInt("output_dtype", 0);
        if (dtype != 0)
            _outputType = dtype is > 0 and < 256 && QuantTypes.IsQuantized((DataType)dtype) ? (DataType)dtype
                : throw new MoteNotSupportedException($"output_dtype {QuantTypes.OnnxTypeName(dtype)} is not supported (uint8, int8, uint16, int16)");
        long precision = node.GetInt("precision", 0);
        if (precision is not (0 or (long)DataType.Float32 or (long)DataType.Float16 or (long)DataType.BFloat16))
            throw new MoteNotSupportedException($"precision {QuantTypes.OnnxTypeName(precision)} is not supported (f32, f16, bf16)");
        _kernel = QuantKernelSet.Create(build.Kernels.Features).QuantizeLinear;
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "x", DataType.Float32, DataType.Int32);
        ctx.ExpectType(1, "y_scale", DataType.Float32);
        var type = _outputType ?? DataType.UInt8;
        int[]? zeroShape = null;
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, "y_zero_point", QuantTypes.Quantized);
            type = ctx.InputType(2);
            if (_outputType is { } t && t != type)
                throw new MoteShapeException($"y_zero_point is {type.ShortName()} but output_dtype is {t.ShortName()}");
            zeroShape = ctx.InputShape(2);
        }
        QuantLayout.Resolve(ctx.InputShape(0), ctx.InputShape(1), zeroShape, _axis, _blockSize, "y_scale");
        ctx.SetOutput(0, type, ctx.InputShape(0));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var scale = ctx.Input(1);
        var zero = ctx.Input(2);
        var y = ctx.Output(0);
        var layout = QuantLayout.Resolve(x.Shape, scale.Shape, zero.IsNone ? null : zero.Shape, _axis, _blockSize, "y_scale");
        var scales = scale.Span<float>();
        QuantTypes.CheckDivisor(scales, "y_scale");
        switch (y.Type)
        {
            case DataType.UInt8: Run<byte>(x, scales, zero, y, in layout); break;
            case DataType.Int8: Run<sbyte>(x, scales, zero, y, in layout); break;
            case DataType.UInt16: Run<ushort>(x, scales, zero, y, in layout); break;
            default: Run<short>(x, scales, zero, y, in layout); break;
        }
    }

    private void Run<T>(TensorValue x, ReadOnlySpan<float> scales, TensorValue zero, TensorValue y, in QuantLayout layout)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var ys = y.Span<T>();
        bool floats = x.Type == DataType.Float32;
        var xf = floats ? x.Span<float>() : default;
        var xi = floats ? default : x.Span<int>();
        bool eightBit = typeof(T) == typeof(byte) || typeof(T) == typeof(sbyte);
        var type8 = typeof(T) == typeof(sbyte) ? QuantType8.QS8 : QuantType8.QU8;
        int lo = int.CreateTruncating(T.MinValue), hi = int.CreateTruncating(T.MaxValue);
        long cursor = 0;
        while (layout.NextRun(ref cursor, out long start, out int length, out long si))
        {
            float s = scales[(int)si];
            int z = zero.IsNone ? 0 : QuantTypes.ReadInt(zero, si);
            int at = checked((int)start);
            if (floats && eightBit && length >= 16)
            {
                _kernel.Quantize(xf.Slice(at, length), s, z, type8, MemoryMarshal.AsBytes(ys.Slice(at, length)));
                continue;
            }
            for (int i = at; i < at + length; i++)
                ys[i] = T.CreateTruncating(QuantizeReference.Quantize(floats ? xf[i] : xi[i], s, z, lo, hi));
        }
    }
}
