using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Runtime.Graph;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// ONNX BitCast (opset 26): the input's bits read as type <c>to</c> of the same width, same shape.
/// The runtime computes f16/bf16 values in f32, so 16-bit float sides are narrowed to (or widened
/// from) their 16-bit patterns; every other pair is a byte copy.
/// </summary>
internal sealed class BitCastOperator : Operator
{
    private readonly DataType _to;
    private readonly DataType? _declaredFrom;

    public BitCastOperator(NodeDef node, BuildContext build) : base(node)
    {
        long to = node.GetInt("to", 0);
        _to = (DataType)to;
        if (to is <= 0 or > 255 || !DataTypeInfo.IsValid(_to) || !CastConversion.IsTarget(_to))
            throw new MoteNotSupportedException($"BitCast to type id {to} is not supported");
        if (build.Model.Tensors.TryGetValue(node.Input(0), out var input) && input.Type != 0)
            _declaredFrom = input.Type;
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var from = From(ctx.InputType(0));
        if (!CastConversion.IsSource(SessionGraph.ComputeType(from)))
            throw new MoteNotSupportedException($"BitCast from {from.ShortName()} is not supported");
        if (from.Size() != _to.Size())
            throw new MoteShapeException($"BitCast from {from.ShortName()} ({from.Size() * 8} bits) to {_to.ShortName()} ({_to.Size() * 8} bits): the widths must match");
        ctx.SetOutput(0, SessionGraph.ComputeType(_to), ctx.InputShape(0));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        var from = From(x.Type);
        bool narrow = from != x.Type, widen = _to != y.Type;
        if (!narrow && !widen)
        {
            x.Bytes.CopyTo(y.Bytes);
            return;
        }
        // 16-bit patterns: from the f32 the input is computed in, or from the input's own bytes.
        ReadOnlySpan<float> xs = narrow ? x.Span<float>() : default;
        ReadOnlySpan<ushort> xBits = narrow ? default : MemoryMarshal.Cast<byte, ushort>(x.Bytes);
        Span<float> ys = widen ? y.Span<float>() : default;
        Span<ushort> yBits = widen ? default : MemoryMarshal.Cast<byte, ushort>(y.Bytes);
        long n = narrow ? xs.Length : xBits.Length;
        for (int i = 0; i < n; i++)
        {
            ushort bits = !narrow ? xBits[i]
                : from == DataType.Float16 ? BitConverter.HalfToUInt16Bits((Half)xs[i])
                : (ushort)(BitConverter.SingleToUInt32Bits(xs[i]) >> 16); // a widened bf16 is exact: its upper half
            if (!widen)
                yBits[i] = bits;
            else
                ys[i] = _to == DataType.Float16 ? (float)BitConverter.UInt16BitsToHalf(bits) : BitConverter.UInt32BitsToSingle((uint)bits << 16);
        }
    }

    private DataType From(DataType compute) => _declaredFrom is { } d && SessionGraph.ComputeType(d) == compute ? d : compute;
}
