using Mote.Format;
using Mote.Runtime;

namespace Mote.Conformance.Tests;

/// <summary>The comparison ONNX's own backend tests use: |actual − expected| ≤ atol + rtol·|expected| for floats, exact otherwise.</summary>
internal static class Tolerance
{
    public const double RelativeTolerance = 1e-3;
    public const double AbsoluteTolerance = 1e-7;

    /// <summary>Null when equal within tolerance, else a description of the first difference.</summary>
    public static string? Compare(Tensor actual, Tensor expected)
    {
        if (!actual.Shape.SequenceEqual(expected.Shape))
            return $"shape {actual} vs expected {expected}";
        if (actual.Type.IsFloat() != expected.Type.IsFloat() || (!expected.Type.IsFloat() && actual.Type != expected.Type))
            return $"type {actual.Type.ShortName()} vs expected {expected.Type.ShortName()}";
        if (!expected.Type.IsFloat())
        {
            var a = actual.Memory.Span;
            var e = expected.Memory.Span;
            int size = expected.Type.Size();
            for (int i = 0; i < a.Length; i++)
                if (a[i] != e[i])
                    return $"element {i / size} differs (exact comparison)";
            return null;
        }
        var x = ToDoubles(actual);
        var y = ToDoubles(expected);
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsNaN(y[i]) ? !double.IsNaN(x[i]) : !(Math.Abs(x[i] - y[i]) <= AbsoluteTolerance + RelativeTolerance * Math.Abs(y[i])) && x[i] != y[i])
                return $"element {i}: {x[i]:G9} vs expected {y[i]:G9}";
        }
        return null;
    }

    private static double[] ToDoubles(Tensor t) => t.Type == DataType.Float64
        ? t.ToArray<double>()
        : t.ToSingleArray().Select(v => (double)v).ToArray();
}
