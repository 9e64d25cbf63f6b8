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

    /// <summary>
    /// The branches planned for the enclosing values' shapes. A condition known while planning (exporters test shapes,
    /// e.g. squeeze a dimension only if it is 1, and the planner folds such tests) picks its branch. Otherwise both
    /// branches must give every output the same type and shape, or one of them must be unable to run on these
    /// shapes at all (Silero's 8 kHz branch on a 16 kHz window): taking it would fail whatever the plan.
    /// </summary>
    public override bool TryInferShapesAhead(ShapeContext ctx, ReadOnlySpan<DataType> outerTypes, ReadOnlySpan<int[]> outerShapes)
    {
        if (ctx.InputCount < 1 || !ctx.HasInput(0) || ctx.InputType(0) != DataType.Bool || ShapeMath.Count(ctx.InputShape(0)) != 1)
            return false;
        (DataType Type, int[] Shape)[] outputs;
        if (ctx.TryGetValue(0, out var cond))
        {
            bool thenTaken = cond.Span<bool>()[0];
            var kind = (thenTaken ? _then : _else).PlanAhead(_outer, outerTypes, outerShapes, out outputs);
            // The branch that will run cannot run on these shapes: so cannot the If (and a subgraph holding it).
            if (kind == SubgraphRunner.AheadKind.Invalid)
                throw new MoteShapeException($"the {(thenTaken ? "then" : "else")} branch, always taken here, does not fit its inputs' shapes");
            if (kind != SubgraphRunner.AheadKind.Static)
                return false;
        }
        else
        {
            var thenKind = _then.PlanAhead(_outer, outerTypes, outerShapes, out var then);
            var elseKind = _else.PlanAhead(_outer, outerTypes, outerShapes, out var otherwise);
            if (thenKind == SubgraphRunner.AheadKind.Static && elseKind == SubgraphRunner.AheadKind.Static)
            {
                for (int k = 0; k < then.Length; k++)
                    if (then[k].Type != otherwise[k].Type || !then[k].Shape.AsSpan().SequenceEqual(otherwise[k].Shape))
                        return false;
                outputs = then;
            }
            else if (thenKind == SubgraphRunner.AheadKind.Static && elseKind == SubgraphRunner.AheadKind.Invalid)
                outputs = then;
            else if (elseKind == SubgraphRunner.AheadKind.Static && thenKind == SubgraphRunner.AheadKind.Invalid)
                outputs = otherwise;
            else
                return false;
        }
        for (int k = 0; k < outputs.Length; k++)
            ctx.SetOutput(k, outputs[k].Type, outputs[k].Shape);
        return true;
    }

    /// <summary>The branch's outputs copied into the planned outputs (branches that agree on shapes, see <see cref="TryInferShapesAhead"/>).</summary>
    public override void Execute(in NodeContext ctx)
    {
        using var result = RunBranch(in ctx);
        for (int k = 0; k < result.Count; k++)
        {
            var dst = ctx.Output(k);
            if (dst.IsNone)
                continue;
            var src = result.Output(k);
            if (!src.Shape.AsSpan().SequenceEqual(dst.Shape) || src.Type != dst.Type)
                throw new MoteShapeException($"branch output {k} is {src}, planned as {dst}");
            src.Bytes.CopyTo(dst.Bytes);
        }
    }

    public override void ExecuteAllocating(in NodeContext ctx, OutputAllocator outputs)
    {
        using var result = RunBranch(in ctx);
        for (int k = 0; k < result.Count; k++)
            if (outputs.IsWanted(k))
                SubgraphInputs.CopyOut(result.Output(k), outputs, k);
    }

    private SubgraphRunner.Result RunBranch(in NodeContext ctx)
    {
        var cond = ctx.Input(0);
        if (cond.Type != DataType.Bool || cond.Count != 1)
            throw new MoteShapeException($"the condition must be one bool, got {cond}");
        var branch = cond.Span<bool>()[0] ? _then : _else;
        var inputs = SubgraphInputs.Rent(branch, _outer, ctx.ImplicitInputs);
        try
        {
            return branch.Run(inputs.AsSpan(0, branch.FormalInputCount + branch.ImplicitInputNames.Length), ctx.Pool, ctx.Profile);
        }
        finally
        {
            SubgraphInputs.Return(inputs);
        }
    }

    public void Dispose()
    {
        _then.Dispose();
        _else.Dispose();
    }
}
