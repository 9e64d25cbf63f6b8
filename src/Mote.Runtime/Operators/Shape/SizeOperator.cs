using Mote.Format;

namespace Mote.Runtime.Operators.Shape;

/// <summary>ONNX Size: the input's element count as an int64 scalar.</summary>
internal sealed class SizeOperator(NodeDef node) : Operator(node)
{
    public override bool ReadsOnlyInputShapes => true;

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.InputShape(0);
        ctx.SetOutput(0, DataType.Int64, []);
    }

    public override void Execute(in NodeContext ctx) => ctx.Output(0).Span<long>()[0] = ctx.Input(0).Count;
}
