using Mote.Format;

namespace Mote.Runtime.Operators.Shape;

/// <summary>ONNX Shape: the input's dimensions as int64, optionally sliced by <c>start</c>/<c>end</c> (opset 15).</summary>
internal sealed class ShapeOperator : Operator
{
    private readonly long _start;
    private readonly long? _end;

    public ShapeOperator(NodeDef node) : base(node)
    {
        _start = node.GetInt("start", 0);
        _end = node.Attribute("end") is null ? null : node.GetInt("end", 0);
    }

    public override bool ReadsOnlyInputShapes => true;

    public override void InferShapes(ShapeContext ctx)
    {
        var (s, e) = Range(ctx.InputRank(0));
        ctx.SetOutput(0, DataType.Int64, [e - s]);
    }

    public override void Execute(in NodeContext ctx)
    {
        var shape = ctx.Input(0).Shape;
        var (s, e) = Range(shape.Length);
        var y = ctx.Output(0).Span<long>();
        for (int i = s; i < e; i++)
            y[i - s] = shape[i];
    }

    private (int Start, int End) Range(int rank)
    {
        static int Clamp(long v, int rank) => (int)Math.Clamp(v < 0 ? v + rank : v, 0, rank);
        int s = Clamp(_start, rank);
        int e = Clamp(_end ?? rank, rank);
        return (s, Math.Max(s, e));
    }
}
