using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;

namespace Mote.Runtime.Operators.Misc;

/// <summary>
/// ONNX Bernoulli (opset 22): each output element is 1 with the probability given by the input element
/// (f32/f64), else 0, in <c>dtype</c> (default the input's type; any numeric type or bool; 16-bit floats
/// in f32). Random, so never evaluated ahead of the run.
/// </summary>
internal sealed class BernoulliOperator(NodeDef node) : Operator(node)
{
    private readonly long? _dtype = node.Attribute("dtype") is not null ? node.GetInt("dtype", 1) : null;
    private readonly float? _seed = node.Attribute("seed") is not null ? node.GetFloat("seed", 0) : null;

    public override bool IsDeterministic => false;

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "input", DataType.Float32, DataType.Float64);
        var t = _dtype is { } d ? (DataType)d : ctx.InputType(0);
        if (t is DataType.Float16 or DataType.BFloat16)
            t = DataType.Float32;
        TypeDispatch.Require(TypeDispatch.IsNumeric(t) || t == DataType.Bool, Node.Op, t);
        ctx.SetOutput(0, t, ctx.InputShape(0));
    }

    public override unsafe void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        var rng = RandomStream.Create(_seed);
        int size = y.Type.Size();
        byte* dst = (byte*)y.Data;
        var one = stackalloc byte[8];
        new Span<byte>(one, 8).Clear();
        switch (y.Type)
        {
            case DataType.Float32: *(float*)one = 1; break;
            case DataType.Float64: *(double*)one = 1; break;
            default: *one = 1; break; // integers and bool are little-endian 1
        }
        for (long i = 0; i < y.Count; i++)
        {
            double p = x.Type == DataType.Float64 ? x.Span<double>()[(int)i] : x.Span<float>()[(int)i];
            var element = new Span<byte>(dst + i * size, size);
            if (rng.NextDouble() < p)
                new ReadOnlySpan<byte>(one, size).CopyTo(element);
            else
                element.Clear();
        }
    }
}
