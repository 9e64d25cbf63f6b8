using Mote.Format;
using Mote.Runtime.Graph;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX ConstantOfShape: a tensor of the shape given by input 0 (int64; empty means a scalar)
/// filled with the one-element <c>value</c> attribute (default float32 0). 16-bit float values
/// are widened to float32, the type they compute in.
/// </summary>
internal sealed class ConstantOfShapeOperator : Operator
{
    private readonly DataType _type = DataType.Float32;
    private readonly byte[] _value = new byte[4];

    public ConstantOfShapeOperator(NodeDef node) : base(node)
    {
        if (node.GetTensor("value") is not { } t)
            return;
        var data = t.Data ?? throw new MoteShapeException("the 'value' attribute tensor has no data");
        if (data.Length != t.Type.Size())
            throw new MoteShapeException($"the 'value' attribute must hold one element, it has {data.Length} bytes of {t.Type.ShortName()}");
        _type = SessionGraph.ComputeType(t.Type);
        _value = new byte[_type.Size()];
        if (_type != t.Type)
            SessionGraph.Widen(t.Type, data.Span, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_value.AsSpan()));
        else
            data.Span.CopyTo(_value);
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var spec = ctx.GetInts(0);
        var shape = new int[spec.Length];
        for (int i = 0; i < spec.Length; i++)
            shape[i] = spec[i] is >= 0 and <= int.MaxValue ? (int)spec[i] : throw new MoteShapeException($"shape entry {spec[i]} is invalid");
        ctx.SetOutput(0, _type, shape);
    }

    public override void Execute(in NodeContext ctx) => ElementCopy.Fill(ctx.Output(0).Bytes, _value);
}
