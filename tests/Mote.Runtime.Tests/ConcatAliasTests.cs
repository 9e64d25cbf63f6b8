using Mote.Format;
using Mote.Runtime.Operators.Data;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>
/// Concats written in place (the planner has the inputs' producers write into slices of the output and
/// skips the node): every graph is compared with <see cref="NodeByNode"/>, where nothing shares memory,
/// and the plan is checked for whether the concat still runs, so a case that stops being written in
/// place (or starts being written in place when it must not) fails.
/// </summary>
public class ConcatAliasTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void FireModuleBranchesWriteIntoTheConcat(int threads)
    {
        // SqueezeNet's fire module: squeeze 1×1, then 1×1 and 3×3 expands joined along the channels.
        var b = Input(1, 6, 7, 7);
        Conv(b, "x", "s", 6, 4, 1);
        Conv(b, "s", "e1", 4, 8, 1);
        Conv(b, "s", "e3", 4, 8, 3);
        b.Node(OpType.Concat, ["e1", "e3"], ["y"], Int("axis", 1)).Output("y");
        Check(b, [Feed("x", 1, 6, 7, 7)], concatSteps: 0, threads);
    }

    [Fact]
    public void ThreeInputsOfOddSizesProducedLastSliceFirstFeedAConv()
    {
        // Slices of 3, 5 and 7 channels of 5×5 floats start at byte offsets that are not multiples of 64, and the
        // last slice is written first: a producer writing past its slice would corrupt a neighbour already there.
        var b = Input(1, 4, 5, 5);
        Conv(b, "x", "c", 4, 7, 3);
        Conv(b, "x", "b", 4, 5, 1);
        Conv(b, "x", "a", 4, 3, 3);
        b.Node(OpType.Concat, ["a", "b", "c"], ["cat"], Int("axis", 1));
        Conv(b, "cat", "y", 15, 6, 3);
        b.Output("y");
        Check(b, [Feed("x", 1, 4, 5, 5)], concatSteps: 0);
    }

    [Fact]
    public void AnInputThatIsAlsoAGraphOutputKeepsItsValue()
    {
        var b = Input(1, 3, 4, 4);
        Conv(b, "x", "a", 3, 2, 1);
        Conv(b, "x", "b", 3, 5, 3);
        b.Node(OpType.Concat, ["a", "b"], ["cat"], Int("axis", 1));
        Conv(b, "cat", "y", 7, 4, 1);
        b.Output("a").Output("y").Output("b");
        Check(b, [Feed("x", 1, 3, 4, 4)], concatSteps: 0);
    }

    [Fact]
    public void AnInputReadAgainAfterTheConcatOutlivesIt()
    {
        // Several arena values come and go between the concat and the last read of "a": "a" must keep its slice.
        var b = Input(1, 3, 6, 6);
        Conv(b, "x", "a", 3, 4, 3);
        Conv(b, "x", "b", 3, 4, 1);
        b.Node(OpType.Concat, ["a", "b"], ["cat"], Int("axis", 1));
        Conv(b, "cat", "p", 8, 4, 3);
        Conv(b, "p", "q", 4, 4, 3);
        b.Node(OpType.Add, ["q", "a"], ["y"]).Output("y");
        Check(b, [Feed("x", 1, 3, 6, 6)], concatSteps: 0);
    }

    [Fact]
    public void AProducerMayReadAnotherSliceOfTheSameConcat()
    {
        var b = Input(1, 3, 5, 5);
        Conv(b, "x", "a", 3, 4, 3);
        b.Node(OpType.Sigmoid, ["a"], ["s"]);
        b.Node(OpType.Neg, ["s"], ["n"]);
        b.Node(OpType.Concat, ["a", "s", "n"], ["y"], Int("axis", 1)).Output("y");
        Check(b, [Feed("x", 1, 3, 5, 5)], concatSteps: 0);
    }

    [Fact]
    public void TheSameValueTwiceStillRuns()
    {
        var b = Input(1, 3, 4, 4);
        Conv(b, "x", "a", 3, 2, 3);
        b.Node(OpType.Concat, ["a", "a"], ["y"], Int("axis", 1)).Output("y");
        Check(b, [Feed("x", 1, 3, 4, 4)], concatSteps: 1);
    }

    [Fact]
    public void AValueAndItsViewTogetherStillRun()
    {
        var b = Input(1, 3, 4, 4).Constant("shape", new long[] { 1, 2, 4, 4 }, 4);
        Conv(b, "x", "a", 3, 2, 3);
        b.Node(OpType.Reshape, ["a", "shape"], ["v"]);
        b.Node(OpType.Concat, ["a", "v"], ["y"], Int("axis", 1)).Output("y");
        Check(b, [Feed("x", 1, 3, 4, 4)], concatSteps: 1);
    }

    [Fact]
    public void AGraphInputStillRuns()
    {
        var b = Input(1, 3, 4, 4);
        Conv(b, "x", "a", 3, 2, 3);
        b.Node(OpType.Concat, ["x", "a"], ["y"], Int("axis", 1)).Output("y");
        Check(b, [Feed("x", 1, 3, 4, 4)], concatSteps: 1);
    }

    [Fact]
    public void AWidenedHalfInputStillRuns()
    {
        // A float16 graph input is widened into the arena before the first step, outside every step's lifetime.
        var b = new ModelBuilder().Input("x", DataType.Float16, 1, 2, 3, 3);
        b.Node(OpType.Relu, ["x"], ["r"]);
        b.Node(OpType.Concat, ["r", "x"], ["y"], Int("axis", 1)).Output("y");
        var x = NnRunner.Random(18, 3).Select(v => (Half)v).ToArray();
        Check(b, [new NamedTensor("x", Tensor.FromArray(x, 1, 2, 3, 3))], concatSteps: 1);
    }

    [Fact]
    public void AConstantInputStillRuns()
    {
        var b = Input(1, 3, 4, 4).Constant("k", NnRunner.Random(2 * 16, 5), 1, 2, 4, 4);
        Conv(b, "x", "a", 3, 2, 3);
        b.Node(OpType.Concat, ["a", "k"], ["y"], Int("axis", 1)).Output("y");
        Check(b, [Feed("x", 1, 3, 4, 4)], concatSteps: 1);
    }

    [Fact]
    public void BatchTwoAlongChannelsStillRuns()
    {
        // With a batch of 2 each input is two separate blocks of the output.
        var b = Input(2, 3, 4, 4);
        Conv(b, "x", "a", 3, 2, 3);
        Conv(b, "x", "c", 3, 3, 1);
        b.Node(OpType.Concat, ["a", "c"], ["y"], Int("axis", 1)).Output("y");
        Check(b, [Feed("x", 2, 3, 4, 4)], concatSteps: 1);
    }

    [Fact]
    public void AlongAxisZeroEveryInputIsOneBlock()
    {
        var b = new ModelBuilder().Input("x", DataType.Float32, 3, 5).Input("z", DataType.Float32, 2, 5);
        b.Node(OpType.Relu, ["x"], ["a"]).Node(OpType.Tanh, ["z"], ["c"]);
        b.Node(OpType.Concat, ["c", "a"], ["y"], Int("axis", 0)).Output("y");
        Check(b, [Feed("x", 3, 5), Feed("z", 2, 5)], concatSteps: 0);
    }

    [Fact]
    public void AlongTheLastAxisOfARowStillAliases()
    {
        // [1, 1, n] inputs along axis −1: every dimension before the axis is 1.
        var b = new ModelBuilder().Input("x", DataType.Float32, 1, 1, 6);
        b.Node(OpType.Relu, ["x"], ["a"]).Node(OpType.Exp, ["x"], ["c"]);
        b.Node(OpType.Concat, ["a", "c"], ["y"], Int("axis", -1)).Output("y");
        Check(b, [Feed("x", 1, 1, 6)], concatSteps: 0);
    }

    [Fact]
    public void AViewOfAnInputMadeBeforeTheConcatFollowsItIntoItsSlice()
    {
        var b = Input(1, 3, 4, 4).Constant("flat", new long[] { 1, -1 }, 2);
        Conv(b, "x", "a", 3, 2, 3);
        Conv(b, "x", "c", 3, 3, 3);
        b.Node(OpType.Reshape, ["c", "flat"], ["cv"]);
        b.Node(OpType.Concat, ["a", "c"], ["cat"], Int("axis", 1));
        Conv(b, "cat", "p", 5, 3, 3);
        b.Node(OpType.Reshape, ["p", "flat"], ["pv"]);
        b.Node(OpType.Add, ["pv", "cv"], ["y"]).Output("y").Output("cv");
        Check(b, [Feed("x", 1, 3, 4, 4)], concatSteps: 0);
    }

    [Fact]
    public void AViewOfAnInputMadeAfterTheConcatSeesItsSlice()
    {
        // "c" sits after "a" in the concat's output: a view made later must start there, not at the output's start.
        var b = Input(1, 3, 4, 4).Constant("flat", new long[] { 1, -1 }, 2);
        Conv(b, "x", "a", 3, 2, 3);
        Conv(b, "x", "c", 3, 3, 3);
        b.Node(OpType.Concat, ["a", "c"], ["cat"], Int("axis", 1));
        b.Node(OpType.Reshape, ["c", "flat"], ["cv"]);
        b.Node(OpType.Sigmoid, ["cv"], ["s"]).Output("s").Output("cat");
        Check(b, [Feed("x", 1, 3, 4, 4)], concatSteps: 0);
    }

    [Fact]
    public void ViewsAsInputsMoveTheirSources()
    {
        // Detection heads: Conv → Transpose → Reshape to [1, boxes, 4], joined along the boxes.
        var b = Input(1, 3, 4, 4).Constant("r1", new long[] { 1, -1, 4 }, 3).Constant("r2", new long[] { 1, -1, 4 }, 3);
        Conv(b, "x", "h1", 3, 8, 3);
        Conv(b, "x", "h2", 3, 4, 1);
        b.Node(OpType.Transpose, ["h1"], ["t1"], Ints("perm", 0, 2, 3, 1)).Node(OpType.Reshape, ["t1", "r1"], ["b1"]);
        b.Node(OpType.Transpose, ["h2"], ["t2"], Ints("perm", 0, 2, 3, 1)).Node(OpType.Reshape, ["t2", "r2"], ["b2"]);
        b.Node(OpType.Concat, ["b1", "b2"], ["y"], Int("axis", 1)).Output("y").Output("t2");
        Check(b, [Feed("x", 1, 3, 4, 4)], concatSteps: 0);
    }

    [Fact]
    public void NestedConcatsComposeTheirOffsets()
    {
        var b = Input(1, 3, 4, 4);
        Conv(b, "x", "a", 3, 2, 3);
        Conv(b, "x", "c", 3, 3, 1);
        Conv(b, "x", "d", 3, 4, 3);
        b.Node(OpType.Concat, ["a", "c"], ["ac"], Int("axis", 1));
        b.Node(OpType.Relu, ["ac"], ["r"]);
        b.Node(OpType.Concat, ["d", "ac"], ["y"], Int("axis", 1)).Output("y").Output("r").Output("c");
        Check(b, [Feed("x", 1, 3, 4, 4)], concatSteps: 0);
    }

    [Fact]
    public void AnInputAlreadyInAnotherConcatMakesTheSecondRun()
    {
        // "a" fills the start of "ac" (offset 0, but fewer bytes than "ac"), "c" its end: neither can move again.
        var b = Input(1, 3, 4, 4);
        Conv(b, "x", "a", 3, 2, 3);
        Conv(b, "x", "c", 3, 3, 1);
        Conv(b, "x", "d", 3, 4, 3);
        Conv(b, "x", "e", 3, 1, 1);
        b.Node(OpType.Concat, ["a", "c"], ["ac"], Int("axis", 1));
        b.Node(OpType.Concat, ["a", "d"], ["ad"], Int("axis", 1));
        b.Node(OpType.Concat, ["e", "c"], ["ec"], Int("axis", 1));
        b.Output("ac").Output("ad").Output("ec");
        Check(b, [Feed("x", 1, 3, 4, 4)], concatSteps: 2);
    }

    [Fact]
    public void AViewOfAnInputAlreadyInAnotherConcatMakesTheSecondRun()
    {
        // "v" was made while "a" still owned its storage; once "a" lives in the first concat, "v" cannot move it.
        var b = Input(1, 3, 4, 4).Constant("same", new long[] { 1, 2, 4, 4 }, 4);
        Conv(b, "x", "a", 3, 2, 3);
        Conv(b, "x", "c", 3, 3, 1);
        Conv(b, "x", "d", 3, 3, 3);
        b.Node(OpType.Reshape, ["a", "same"], ["v"]);
        b.Node(OpType.Concat, ["a", "c"], ["ac"], Int("axis", 1));
        b.Node(OpType.Concat, ["v", "d"], ["vc"], Int("axis", 1));
        b.Node(OpType.Sub, ["ac", "vc"], ["y"]).Output("y").Output("ac");
        Check(b, [Feed("x", 1, 3, 4, 4)], concatSteps: 1);
    }

    [Fact]
    public void SplitOutputsJoinedInReverse()
    {
        // Both slices come from one step with two outputs.
        var b = Input(1, 5, 3, 3).Constant("sizes", new long[] { 2, 3 }, 2);
        Conv(b, "x", "a", 5, 5, 1);
        b.Node(OpType.Split, ["a", "sizes"], ["s0", "s1"], Int("axis", 1));
        b.Node(OpType.Concat, ["s1", "s0"], ["y"], Int("axis", 1)).Output("y");
        Check(b, [Feed("x", 1, 5, 3, 3)], concatSteps: 0);
    }

    [Fact]
    public void ALoopBodyWritesItsConcatInPlaceEveryIteration()
    {
        // The body runs once per iteration on one reused plan; its scan output is a concat of two computed values.
        var body = new GraphDef { Name = "body" };
        body.Inputs.AddRange(["i", "cond_in", "v"]);
        body.Nodes.Add(new NodeDef(OpType.Identity, "keep", ["cond_in"], ["cond_out"]));
        body.Nodes.Add(new NodeDef(OpType.Sin, "sin", ["v"], ["v_out"]));
        body.Nodes.Add(new NodeDef(OpType.Relu, "relu", ["v_out"], ["r"]));
        body.Nodes.Add(new NodeDef(OpType.Neg, "neg", ["v_out"], ["n"]));
        body.Nodes.Add(new NodeDef(OpType.Concat, "cat", ["r", "n"], ["scan"], [Int("axis", 1)]));
        body.Outputs.AddRange(["cond_out", "v_out", "scan"]);
        var b = new ModelBuilder().Input("x", DataType.Float32, 1, 3).Constant("trips", new long[] { 4 })
            .Node(OpType.Loop, ["trips", "", "x"], ["last", "scans"], AttributeDef.FromGraph("body", body))
            .Output("last").Output("scans");
        var x = NnRunner.Random(3, 7);
        using var session = b.Session();
        var result = session.Run(new NamedTensor("x", Tensor.FromArray(x, 1, 3)));

        var expected = new List<float>();
        var v = x;
        for (int t = 0; t < 4; t++)
        {
            v = v.Select(MathF.Sin).ToArray();
            expected.AddRange(v.Select(e => MathF.Max(e, 0)));
            expected.AddRange(v.Select(e => -e));
        }
        Assert.Equal([4, 1, 6], result["scans"].Shape.ToArray());
        Assert.Equal(expected.ToArray(), result["scans"].ToArray<float>());
        Assert.Equal(v, result["last"].ToArray<float>());
    }

    /// <summary>
    /// Runs the graph twice on one session (the second run reuses the plan and a dirty arena) and compares every
    /// graph output with <see cref="NodeByNode"/> byte for byte; asserts how many Concat nodes the plan still runs.
    /// </summary>
    private static void Check(ModelBuilder b, NamedTensor[] feeds, int concatSteps, int threads = 1)
    {
        using var session = b.Session(new SessionOptions { Threads = threads });
        var first = session.Run(feeds);
        var second = session.Run(feeds);
        var expected = NodeByNode.Run(b.Model, feeds);
        foreach (var name in b.Model.Graph.Outputs)
        {
            OpRunner.AssertSame(expected[name], first[name], name);
            OpRunner.AssertSame(expected[name], second[name], $"{name}, second run");
        }
        var shapes = b.Model.Graph.Inputs.Select(n => feeds.Single(f => f.Name == n).Value.Shape.ToArray()).ToArray();
        var plan = session.GetPlan(shapes);
        Assert.Equal(concatSteps, plan.Steps.Count(s => session.Graph.Nodes[s].Op is ConcatOperator));
    }

    private static ModelBuilder Input(params int[] shape) =>
        new ModelBuilder().Input("x", DataType.Float32, shape.Select(d => (Dim)d).ToArray());

    private static NamedTensor Feed(string name, params int[] shape) => new(name, NnRunner.RandomTensor(Seed(name), shape));

    /// <summary>A seed that depends only on the name (string hash codes change from run to run).</summary>
    private static int Seed(string name) => name.Aggregate(17, (h, c) => h * 31 + c) & 0xffff;

    /// <summary>A k×k convolution (same padding) with bias, then Relu: <paramref name="output"/> gets <paramref name="outC"/> channels.</summary>
    private static void Conv(ModelBuilder b, string input, string output, int inC, int outC, int k)
    {
        int seed = Seed(output);
        string w = $"{output}_w", bias = $"{output}_b";
        b.Constant(w, NnRunner.Random(outC * inC * k * k, seed), outC, inC, k, k)
            .Constant(bias, NnRunner.Random(outC, seed + 1000), outC)
            .Node(OpType.Conv, [input, w, bias], [$"{output}_pre"], Ints("pads", k / 2, k / 2, k / 2, k / 2))
            .Node(OpType.Relu, [$"{output}_pre"], [output]);
    }
}
