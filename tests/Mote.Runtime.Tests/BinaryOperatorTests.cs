using System.Numerics;
using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>Broadcasting binary operators against scalar references written from the ONNX spec.</summary>
public class BinaryOperatorTests
{
    /// <summary>Shape pairs: equal, scalar both ways, broadcasting both ways, rank 5, size-1 dims, empty.</summary>
    internal static readonly (int[] A, int[] B)[] ShapePairs =
    [
        ([2, 3, 4], [2, 3, 4]),
        ([], [2, 3]),
        ([2, 3], []),
        ([], []),
        ([3, 1], [1, 4]),
        ([1, 4], [3, 1]),
        ([2, 1, 4], [3, 1]),
        ([1], [5]),
        ([5], [1]),
        ([2, 3, 4, 5, 6], [1, 3, 1, 5, 1]),
        ([1, 1, 1], [1]),
        ([0, 3], [3]),
        ([3], [0, 3]),
        ([2, 64, 7], [64, 1]),
        ([3, 33], [33]),
        ([33], [3, 33]),
        ([2, 1, 3, 1], [1, 4, 1, 5]),
    ];

    [Fact]
    public void AddSubMulDivFloat32MatchIeee()
    {
        foreach (var (sa, sb) in ShapePairs)
        {
            var a = FloatsWithEdges(Count(sa), 1 + sa.Length);
            var b = FloatsWithEdges(Count(sb), 7 + sb.Length);
            Check(OpType.Add, sa, a, sb, b, (x, y) => x + y);
            Check(OpType.Sub, sa, a, sb, b, (x, y) => x - y);
            Check(OpType.Mul, sa, a, sb, b, (x, y) => x * y);
            Check(OpType.Div, sa, a, sb, b, (x, y) => x / y);
        }
    }

    [Fact]
    public void AddSubMulDivEveryNumericType()
    {
        CheckArithmetic<double>();
        CheckArithmetic<sbyte>();
        CheckArithmetic<byte>();
        CheckArithmetic<short>();
        CheckArithmetic<ushort>();
        CheckArithmetic<int>();
        CheckArithmetic<uint>();
        CheckArithmetic<long>();
        CheckArithmetic<ulong>();
    }

    [Fact]
    public void IntegerDivisionByZeroAndOverflowDoNotFault()
    {
        var a = Tensor.FromArray(new[] { int.MinValue, 7, -7, 5, int.MinValue, 0 }, 6);
        var b = Tensor.FromArray(new[] { -1, 0, 2, -2, 1, 0 }, 6);
        Assert.Equal([int.MinValue, 0, -3, -2, int.MinValue, 0], NodeHarness.RunOne(OpType.Div, a, b).ToArray<int>());
        var m1 = Tensor.Scalar(-1L);
        Assert.Equal([long.MinValue, -3], NodeHarness.RunOne(OpType.Div, Tensor.FromArray(new[] { long.MinValue, 3L }, 2), m1).ToArray<long>());
        Assert.Equal([0L, 0L], NodeHarness.RunOne(OpType.Div, Tensor.FromArray(new[] { long.MinValue, 3L }, 2), Tensor.Scalar(0L)).ToArray<long>());
    }

    [Fact]
    public void MixedTypesAreRejected()
    {
        var e = Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.Add, [Tensor.FromArray(new float[2], 2), Tensor.FromArray(new int[2], 2)], false));
        Assert.Contains("same type", e.Message);
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.Add, [Tensor.FromArray(new float[2], 2), Tensor.FromArray(new float[3], 3)], false));
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.Add, [Tensor.FromArray(new bool[2], 2), Tensor.FromArray(new bool[2], 2)], false));
    }

    [Fact]
    public void ScalarAndVectorWidthsAgree()
    {
        // The reference kernels (no SIMD) and the widest tier must give the same bits for exact operations.
        var a = FloatsWithEdges(300, 3);
        var b = FloatsWithEdges(300, 4);
        var scalar = new SessionOptions { Features = Mote.Kernels.CpuFeatures.None };
        foreach (var op in new[] { OpType.Add, OpType.Mul, OpType.PRelu })
        {
            var x = NodeHarness.Run(op, [Tensor.FromArray(a, 3, 100), Tensor.FromArray(b[..100], 100)], false)[0];
            var y = NodeHarness.Run(op, [Tensor.FromArray(a, 3, 100), Tensor.FromArray(b[..100], 100)], false, options: scalar)[0];
            AssertSame(x.ToArray<float>(), y.ToArray<float>(), op.ToString());
        }
    }

    internal static void Check(OpType op, int[] sa, float[] a, int[] sb, float[] b, Func<float, float, float> f, AttributeDef[]? attrs = null)
    {
        var y = NodeHarness.RunBoth(op, [Tensor.FromArray(a, sa), Tensor.FromArray(b, sb)], 1, attrs)[0];
        var shape = BroadcastShape(sa, sb);
        Assert.Equal(shape, y.Shape.ToArray());
        var want = new float[Count(shape)];
        for (int i = 0; i < want.Length; i++)
            want[i] = f(a[SourceIndex(i, shape, sa)], b[SourceIndex(i, shape, sb)]);
        AssertSame(y.ToArray<float>(), want, $"{op} {string.Join("x", sa)} with {string.Join("x", sb)}");
    }

    internal static void CheckTyped<T>(OpType op, int[] sa, T[] a, int[] sb, T[] b, Func<T, T, T> f, AttributeDef[]? attrs = null) where T : unmanaged
    {
        var y = NodeHarness.RunBoth(op, [Tensor.FromArray(a, sa), Tensor.FromArray(b, sb)], 1, attrs)[0];
        var shape = BroadcastShape(sa, sb);
        Assert.Equal(shape, y.Shape.ToArray());
        var got = y.ToArray<T>();
        for (int i = 0; i < got.Length; i++)
        {
            var want = f(a[SourceIndex(i, shape, sa)], b[SourceIndex(i, shape, sb)]);
            if (!EqualityComparer<T>.Default.Equals(got[i], want) && !(got[i] is double g && want is double w && double.IsNaN(g) && double.IsNaN(w)))
                Assert.Fail($"{op} {typeof(T).Name} {string.Join("x", sa)} with {string.Join("x", sb)}: element {i} is {got[i]}, expected {want}");
        }
    }

    /// <summary>Integers across the type's range (MinValue, MaxValue, 0, ±1 included) or doubles with edges.</summary>
    internal static T[] Values<T>(int n, int seed) where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        if (typeof(T) == typeof(double))
            return FloatsWithEdges(n, seed).Select(v => T.CreateTruncating((double)v)).ToArray();
        var rng = new Random(seed);
        var r = new T[n];
        T[] special = [T.MinValue, T.MaxValue, T.Zero, T.One, T.IsNegative(T.MinValue) ? T.Zero - T.One : T.One];
        for (int i = 0; i < n; i++)
            r[i] = i % 7 == 3 ? special[(i / 7) % special.Length] : T.CreateTruncating(rng.Next(-60, 60));
        return r;
    }

    private static void CheckArithmetic<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        foreach (var (sa, sb) in ShapePairs)
        {
            var a = Values<T>(Count(sa), 5 + sa.Length);
            var b = Values<T>(Count(sb), 9 + sb.Length);
            CheckTyped(OpType.Add, sa, a, sb, b, (x, y) => x + y);
            CheckTyped(OpType.Sub, sa, a, sb, b, (x, y) => x - y);
            CheckTyped(OpType.Mul, sa, a, sb, b, (x, y) => x * y);
            CheckTyped(OpType.Div, sa, a, sb, b, DivideReference);
        }
    }

    // ONNX leaves integer x/0 undefined; we define it as 0, and MinValue/−1 wraps.
    private static T DivideReference<T>(T x, T y) where T : INumber<T>, IMinMaxValue<T>
    {
        if (typeof(T) == typeof(double))
            return x / y;
        if (T.IsZero(y))
            return T.Zero;
        if (x == T.MinValue && T.IsNegative(y) && y == T.Zero - T.One)
            return T.MinValue;
        return x / y;
    }
}
