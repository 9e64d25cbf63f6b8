using Xunit;
using Mote.Format;

namespace Mote.Runtime.Tests;

/// <summary>
/// If nodes whose output shapes are known while planning (a folded condition, branches that agree, or one branch that
/// cannot run on the shapes at all) are ordinary steps, and what follows them stays static; the others stay dynamic.
/// Every case runs both ways and checks the values.
/// </summary>
public sealed class IfPlanningTests
{
    private static GraphDef Branch(string name, NodeDef node, string output)
    {
        var g = new GraphDef { Name = name };
        g.Nodes.Add(node);
        g.Outputs.Add(output);
        return g;
    }

    private static NodeDef If(string cond, string output, GraphDef then, GraphDef otherwise) =>
        new(OpType.If, "if", [cond], [output], [AttributeDef.FromGraph("then_branch", then), AttributeDef.FromGraph("else_branch", otherwise)]);

    private static int DynamicSteps(InferenceSession session, params int[][] shapes) =>
        session.GetPlan(shapes).StepDynamic.Count(d => d);

    private static readonly float[] X = [-1f, 2f, -3f, 4f, -5f, 6f];

    [Fact]
    public void BranchesThatAgreeMakeAStaticStep()
    {
        var b = new ModelBuilder().Input("cond", DataType.Bool).Input("x", DataType.Float32, 2, 3);
        b.Model.Graph.Nodes.Add(If("cond", "r",
            Branch("then", new NodeDef(OpType.Relu, "relu", ["x"], ["t"]), "t"),
            Branch("else", new NodeDef(OpType.Neg, "neg", ["x"], ["e"]), "e")));
        b.Node(OpType.Abs, ["r"], ["y"]).Output("y");
        using var session = b.Session();
        Assert.Equal(0, DynamicSteps(session, [], [2, 3]));
        foreach (bool c in new[] { true, false })
        {
            var y = session.Run(new NamedTensor("cond", Tensor.FromArray(new[] { c })), new NamedTensor("x", Tensor.FromArray(X, 2, 3)))["y"];
            Assert.Equal([2, 3], y.Shape.ToArray());
            Assert.Equal(X.Select(v => Math.Abs(c ? Math.Max(v, 0f) : -v)).ToArray(), y.ToArray<float>());
        }
    }

    // PyTorch's "squeeze dim 0 only if it is 1": the condition is shape arithmetic the planner folds.
    private static ModelBuilder SqueezeIfOne()
    {
        var b = new ModelBuilder().Input("x", DataType.Float32, Dim.Symbolic("N"), 3)
            .Constant("zero", new long[] { 0 }, 1)
            .Constant("one", new long[] { 1 }, 1)
            .Node(OpType.Shape, ["x"], ["shape"])
            .Node(OpType.Gather, ["shape", "zero"], ["n"], AttributeDef.FromInt("axis", 0))
            .Node(OpType.Equal, ["n", "one"], ["is_one"]);
        b.Model.Graph.Nodes.Add(If("is_one", "r",
            Branch("then", new NodeDef(OpType.Squeeze, "squeeze", ["x", "zero"], ["s"]), "s"),
            Branch("else", new NodeDef(OpType.Identity, "identity", ["x"], ["i"]), "i")));
        return b.Node(OpType.Relu, ["r"], ["y"]).Output("y");
    }

    [Fact]
    public void AConditionKnownWhilePlanningPicksItsBranch()
    {
        using var session = SqueezeIfOne().Session();
        foreach (int n in new[] { 1, 2 })
        {
            Assert.Equal(0, DynamicSteps(session, [n, 3]));
            var x = X.Take(n * 3).ToArray();
            var y = session.Run(new NamedTensor("x", Tensor.FromArray(x, n, 3)))["y"];
            Assert.Equal(n == 1 ? [3] : new[] { n, 3 }, y.Shape.ToArray());
            Assert.Equal(x.Select(v => Math.Max(v, 0f)).ToArray(), y.ToArray<float>());
        }
    }

    [Fact]
    public void BranchesThatDisagreeStayDynamic()
    {
        var b = new ModelBuilder().Input("cond", DataType.Bool).Input("x", DataType.Float32, 1, 3).Constant("zero", new long[] { 0 }, 1);
        b.Model.Graph.Nodes.Add(If("cond", "r",
            Branch("then", new NodeDef(OpType.Squeeze, "squeeze", ["x", "zero"], ["s"]), "s"),
            Branch("else", new NodeDef(OpType.Identity, "identity", ["x"], ["i"]), "i")));
        b.Node(OpType.Relu, ["r"], ["y"]).Output("y");
        using var session = b.Session();
        Assert.Equal(2, DynamicSteps(session, [], [1, 3]));
        foreach (bool c in new[] { true, false })
        {
            var y = session.Run(new NamedTensor("cond", Tensor.FromArray(new[] { c })), new NamedTensor("x", Tensor.FromArray(X[..3], 1, 3)))["y"];
            Assert.Equal(c ? [3] : new[] { 1, 3 }, y.Shape.ToArray());
            Assert.Equal(new[] { 0f, 2f, 0f }, y.ToArray<float>());
        }
    }

    [Fact]
    public void ABranchThatCannotRunOnTheShapesLeavesTheOther()
    {
        // The else branch multiplies a 2×3 matrix by itself: it fails for these shapes whenever it is taken.
        var b = new ModelBuilder().Input("cond", DataType.Bool).Input("x", DataType.Float32, 2, 3);
        b.Model.Graph.Nodes.Add(If("cond", "r",
            Branch("then", new NodeDef(OpType.Relu, "relu", ["x"], ["t"]), "t"),
            Branch("else", new NodeDef(OpType.MatMul, "matmul", ["x", "x"], ["m"]), "m")));
        b.Node(OpType.Neg, ["r"], ["y"]).Output("y");
        using var session = b.Session();
        Assert.Equal(0, DynamicSteps(session, [], [2, 3]));
        var y = session.Run(new NamedTensor("cond", Tensor.FromArray(new[] { true })), new NamedTensor("x", Tensor.FromArray(X, 2, 3)))["y"];
        Assert.Equal(X.Select(v => -Math.Max(v, 0f)).ToArray(), y.ToArray<float>());
        var e = Assert.ThrowsAny<MoteException>(() =>
            session.Run(new NamedTensor("cond", Tensor.FromArray(new[] { false })), new NamedTensor("x", Tensor.FromArray(X, 2, 3))));
        Assert.Contains("MatMul", e.Message);
    }
}
