using Mote.Format;

namespace Mote.Runtime.Operators.Shape;

/// <summary>
/// ONNX Dropout for inference: the data passes through and the optional mask is all true. Training
/// mode with a non-zero ratio drops values at random, which an inference runtime does not reproduce:
/// that is reported as unsupported, when the session is planned if <c>training_mode</c> and the ratio
/// are constants, else when the node runs (the output shape never depends on them, so a
/// <c>training_mode</c> known only at run time is fine as long as it is false or the ratio is 0).
/// </summary>
internal sealed class DropoutOperator : Operator
{
    private readonly IdentityOperator _identity;
    private readonly bool _decidedAtRun;

    public DropoutOperator(NodeDef node, BuildContext build) : base(node)
    {
        _identity = new IdentityOperator(node);
        // Only a node that may be in training mode must run (and check) at run time; otherwise it is a plain view.
        bool inference = node.Input(2).Length == 0 || build.TryGetConstant(node.Input(2), out var t) && t.Type == DataType.Bool && t.Count == 1 && t.Span<bool>()[0] == false;
        _decidedAtRun = !inference;
    }

    public override bool IsView => _identity.IsView && !_decidedAtRun;

    public override void InferShapes(ShapeContext ctx)
    {
        if (ctx.HasInput(2))
        {
            if (ctx.InputType(2) != DataType.Bool || ShapeMath.Count(ctx.InputShape(2)) != 1)
                throw new MoteShapeException($"training_mode must be one bool, got {ctx.InputType(2).ShortName()}{ShapeMath.Format(ctx.InputShape(2))}");
            if (ctx.TryGetValue(2, out var t) && (!ctx.HasInput(1) || ctx.IsValueKnown(1)))
                Check(t.Span<bool>()[0], ctx.HasInput(1) ? ctx.GetFloats(1)[0] : 0.5f);
        }
        if (ctx.HasInput(1) && ShapeMath.Count(ctx.InputShape(1)) != 1)
            throw new MoteShapeException($"ratio must be one value, got {ShapeMath.Format(ctx.InputShape(1))}");
        _identity.InferShapes(ctx);
    }

    public override void Execute(in NodeContext ctx)
    {
        var training = ctx.Input(2);
        if (!training.IsNone)
        {
            var r = ctx.Input(1);
            float ratio = r.IsNone ? 0.5f : r.Type == DataType.Float64 ? (float)r.Span<double>()[0] : r.Span<float>()[0];
            Check(training.Span<bool>()[0], ratio);
        }
        _identity.Execute(ctx);
    }

    private static void Check(bool training, float ratio)
    {
        if (training && ratio != 0)
            throw new MoteNotSupportedException($"Dropout in training mode with ratio {ratio} (random dropping) is not supported by this inference runtime");
    }
}
