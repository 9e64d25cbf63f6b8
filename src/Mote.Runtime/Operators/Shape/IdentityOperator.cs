using Mote.Format;

namespace Mote.Runtime.Operators.Shape;

/// <summary>ONNX Identity (and inference-mode Dropout's first output): a view of the input.</summary>
internal sealed class IdentityOperator(NodeDef node) : Operator(node)
{
    // With Dropout's mask requested the node must run to fill it.
    private readonly bool _isView = node.Outputs.Skip(1).All(o => o.Length == 0);

    public override bool IsView => _isView;

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.SetOutput(0, ctx.InputType(0), ctx.InputShape(0));
        // Dropout's optional mask output: all true in inference.
        if (ctx.OutputCount > 1)
            ctx.SetOutput(1, DataType.Bool, ctx.InputShape(0));
    }

    public override void Execute(in NodeContext ctx)
    {
        ctx.Input(0).Bytes.CopyTo(ctx.Output(0).Bytes);
        if (ctx.Outputs.Length > 1 && !ctx.Output(1).IsNone)
            ctx.Output(1).Bytes.Fill(1);
    }
}
