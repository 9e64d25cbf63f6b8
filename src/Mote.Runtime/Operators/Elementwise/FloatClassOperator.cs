using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// ONNX IsNaN and IsInf (opset 20): f32/f64 in, bool out. IsInf detects +∞ unless
/// <c>detect_positive</c> = 0 and −∞ unless <c>detect_negative</c> = 0.
/// </summary>
internal sealed class FloatClassOperator : Operator
{
    private readonly bool _nan;
    private readonly bool _positive;
    private readonly bool _negative;

    public FloatClassOperator(NodeDef node) : base(node)
    {
        _nan = node.Op == OpType.IsNaN;
        _positive = node.GetInt("detect_positive", 1) != 0;
        _negative = node.GetInt("detect_negative", 1) != 0;
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsFloat(t), Node.Op, t);
        ctx.SetOutput(0, DataType.Bool, ctx.InputShape(0));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0).Span<byte>();
        if (x.Type == DataType.Float32)
        {
            var xs = x.Span<float>();
            for (int i = 0; i < xs.Length; i++)
                y[i] = Test(xs[i]) ? (byte)1 : (byte)0;
        }
        else
        {
            var xs = x.Span<double>();
            for (int i = 0; i < xs.Length; i++)
                y[i] = Test(xs[i]) ? (byte)1 : (byte)0;
        }
    }

    private bool Test(double v) => _nan ? double.IsNaN(v) : (_positive && double.IsPositiveInfinity(v)) || (_negative && double.IsNegativeInfinity(v));
}
