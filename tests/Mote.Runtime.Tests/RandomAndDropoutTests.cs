using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>
/// The random generators can only be checked statistically: range, mean and spread, types and shapes,
/// fresh values on every run (never folded at plan time) unless seeded. Dropout passes data through
/// unless training mode with a non-zero ratio is asked for, which is reported as unsupported.
/// </summary>
public class RandomAndDropoutTests
{
    private const int Samples = 20000;

    [Fact]
    public void RandomUniformIsInRangeWithTheRightMeanAndChangesEveryRun()
    {
        var b = new ModelBuilder().Node(OpType.RandomUniform, [], ["y"], Float("low", -2f), Float("high", 6f), Ints("shape", 4, Samples / 4)).Output("y");
        using var session = b.Session();
        var first = session.Run([])["y"];
        var second = session.Run([])["y"].ToArray<float>();
        var y = first.ToArray<float>();
        Assert.Equal([4, Samples / 4], first.Shape.ToArray());
        Assert.All(y, v => Assert.InRange(v, -2f, 6f - 1e-6f));
        Assert.InRange(y.Average(), 2 - 0.1, 2 + 0.1);
        Assert.InRange(y.Count(v => v < 0) / (double)Samples, 0.25 - 0.02, 0.25 + 0.02);
        Assert.NotEqual(y, second);
    }

    [Fact]
    public void SeededGeneratorsRepeatAndDtypeIsHonoured()
    {
        var b = new ModelBuilder().Node(OpType.RandomNormal, [], ["y"], Float("mean", 3f), Float("scale", 0.5f), Float("seed", 7f), Ints("shape", Samples),
            Int("dtype", (long)DataType.Float64)).Output("y", DataType.Float64);
        using var session = b.Session();
        var y = session.Run([])["y"].ToArray<double>();
        Assert.Equal(y, session.Run([])["y"].ToArray<double>());
        double mean = y.Average(), sd = Math.Sqrt(y.Sum(v => (v - mean) * (v - mean)) / y.Length);
        Assert.InRange(mean, 3 - 0.02, 3 + 0.02);
        Assert.InRange(sd, 0.5 * 0.97, 0.5 * 1.03);
        // Two thirds within one standard deviation.
        Assert.InRange(y.Count(v => Math.Abs(v - 3) < 0.5) / (double)Samples, 0.6827 - 0.02, 0.6827 + 0.02);
    }

    [Fact]
    public void LikeVariantsTakeShapeAndTypeFromTheInput()
    {
        var x = Tensor.FromArray(new double[6], 2, 3);
        var u = NodeHarness.Run(OpType.RandomUniformLike, [x], true, 1, [Float("low", 5f), Float("high", 5.5f)])[0];
        Assert.Equal(DataType.Float64, u.Type);
        Assert.Equal([2, 3], u.Shape.ToArray());
        Assert.All(u.ToArray<double>(), v => Assert.InRange(v, 5, 5.5));
        var n = NodeHarness.Run(OpType.RandomNormalLike, [Tensor.FromArray(new long[4], 4)], false, 1, [Int("dtype", (long)DataType.Float32)])[0];
        Assert.Equal(DataType.Float32, n.Type);
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.RandomNormalLike, [Tensor.FromArray(new long[4], 4)], false));
    }

    [Fact]
    public void BernoulliFollowsTheProbabilities()
    {
        var p = Enumerable.Range(0, Samples).Select(i => i % 4 == 0 ? 0f : i % 4 == 1 ? 1f : 0.3f).ToArray();
        var y = NodeHarness.Run(OpType.Bernoulli, [Tensor.FromArray(p, Samples)], true)[0].ToArray<float>();
        Assert.All(Enumerable.Range(0, Samples).Where(i => i % 4 == 0), i => Assert.Equal(0f, y[i]));
        Assert.All(Enumerable.Range(0, Samples).Where(i => i % 4 == 1), i => Assert.Equal(1f, y[i]));
        var mixed = Enumerable.Range(0, Samples).Where(i => i % 4 >= 2).Select(i => y[i]).ToArray();
        Assert.All(mixed, v => Assert.True(v is 0f or 1f));
        Assert.InRange(mixed.Average(), 0.3 - 0.02, 0.3 + 0.02);
        var ints = NodeHarness.Run(OpType.Bernoulli, [Tensor.FromArray(new double[] { 1, 0, 1 }, 3)], false, 1, [Int("dtype", (long)DataType.Int32)])[0];
        Assert.Equal([1, 0, 1], ints.ToArray<int>());
        var bools = NodeHarness.Run(OpType.Bernoulli, [Tensor.FromArray(new float[] { 0, 1 }, 2)], false, 1, [Int("dtype", (long)DataType.Bool)])[0];
        Assert.Equal([false, true], bools.ToArray<bool>());
    }

    [Fact]
    public void DropoutDecidesTrainingModeWhenItRuns()
    {
        var x = Tensor.FromArray(Floats(12, 1), 3, 4);
        Tensor Bool(bool b) => Tensor.FromArray(new[] { b });
        Tensor Ratio(float r) => Tensor.FromArray(new[] { r });
        foreach (bool constants in new[] { false, true })
        {
            var off = NodeHarness.Run(OpType.Dropout, [x, Ratio(0.5f), Bool(false)], constants, 2);
            Assert.Equal(x.ToArray<float>(), off[0].ToArray<float>());
            Assert.All(off[1].ToArray<bool>(), Assert.True);
            var zero = NodeHarness.Run(OpType.Dropout, [x, Ratio(0f), Bool(true)], constants, 2);
            Assert.Equal(x.ToArray<float>(), zero[0].ToArray<float>());
            Assert.All(zero[1].ToArray<bool>(), Assert.True);
            Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.Dropout, [x, Ratio(0.25f), Bool(true)], constants));
            Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.Dropout, [x, null, Bool(true)], constants));
        }
        // Data at run time, the mode a constant false: a plain view.
        Assert.Equal(x.ToArray<float>(), NodeHarness.Run(OpType.Dropout, [x, Ratio(0.5f), Bool(false)], false, 1, alwaysConstant: [1, 2])[0].ToArray<float>());
    }
}
