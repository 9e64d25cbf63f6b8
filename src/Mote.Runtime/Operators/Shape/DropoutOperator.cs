using Mote.Format;

namespace Mote.Runtime.Operators.Shape;

/// <summary>
/// ONNX Dropout for inference: the data passes through and the optional mask is all true. Training
/// mode (a true <c>training_mode</c> input with a non-zero ratio) drops values at random, which an
/// inference runtime does not reproduce: it is reported as unsupported.
/// </summary>
internal sealed class DropoutOperator(NodeDef node) : Operator(node)
{
    private readonly IdentityOperator _identity = new(node);

    public override bool IsView => _identity.IsView;

    public override void InferShapes(ShapeContext ctx)
    {
        if (ctx.HasInput(2))
        {
            bool training = ctx.TryGetValue(2, out var t) ? t.Span<bool>()[0] : throw new MoteNotSupportedException("Dropout with a training_mode known only at run time is not supported");
            float ratio = ctx.HasInput(1) ? ctx.GetFloats(1)[0] : 0.5f;
            if (training && ratio != 0)
                throw new MoteNotSupportedException("Dropout in training mode (random dropping) is not supported by this inference runtime");
        }
        _identity.InferShapes(ctx);
    }

    public override void Execute(in NodeContext ctx) => _identity.Execute(ctx);
}
