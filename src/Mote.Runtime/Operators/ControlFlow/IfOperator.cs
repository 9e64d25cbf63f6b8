using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Graph;

namespace Mote.Runtime.Operators.ControlFlow;

/// <summary>ONNX If: runs <c>then_branch</c> or <c>else_branch</c> on the boolean condition; outputs take the branch's shapes.</summary>
internal sealed class IfOperator : Operator, IDisposable
{
    private readonly SubgraphRunner _then;
    private readonly SubgraphRunner _else;
    private readonly string[] _outer;

    public IfOperator(NodeDef node, BuildContext build) : base(node)
    {
        var thenGraph = node.GetGraph("then_branch") ?? throw new MoteFormatException($"{node.Describe()} has no then_branch");
        var elseGraph = node.GetGraph("else_branch") ?? throw new MoteFormatException($"{node.Describe()} has no else_branch");
        _then = new SubgraphRunner(build, thenGraph);
        _else = new SubgraphRunner(build, elseGraph);
        _outer = [.. _then.ImplicitInputNames.Union(_else.ImplicitInputNames)];
        if (_then.Outputs.Length != node.Outputs.Count || _else.Outputs.Length != node.Outputs.Count)
            throw new MoteFormatException($"{node.Describe()}: both branches must have {node.Outputs.Count} outputs");
    }

    public override IReadOnlyList<string> OuterNames => _outer;

    public override bool ShapesKnownAfterRun => true;

    public override void InferShapes(ShapeContext ctx) => throw new ValueNotKnownException("If outputs are shaped by the branch taken");

    public override void Execute(in NodeContext ctx) => throw new InvalidOperationException("If runs through ExecuteAllocating");

    public override void ExecuteAllocating(in NodeContext ctx, OutputAllocator outputs)
    {
        var cond = ctx.Input(0);
        if (cond.Type != DataType.Bool || cond.Count != 1)
            throw new MoteShapeException($"the condition must be one bool, got {cond}");
        var branch = cond.Span<bool>()[0] ? _then : _else;
        var inputs = SubgraphInputs.Implicit(branch, _outer, ctx.ImplicitInputs);
        using var result = branch.Run(inputs, ctx.Pool, ctx.Profile);
        for (int k = 0; k < result.Count; k++)
            if (outputs.IsWanted(k))
                SubgraphInputs.CopyOut(result.Output(k), outputs, k);
    }

    public void Dispose()
    {
        _then.Dispose();
        _else.Dispose();
    }
}
