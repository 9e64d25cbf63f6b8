using Mote.Runtime;

namespace Mote.Convert.Accuracy;

/// <summary>How closely one output matches a reference.</summary>
/// <param name="MaxAbs">Largest absolute difference.</param>
/// <param name="MaxRel">Largest difference relative to the reference's largest magnitude (scale-relative, so tiny reference values do not dominate).</param>
/// <param name="Cosine">Cosine similarity of the two outputs as vectors (1 when both are zero).</param>
/// <param name="ShapeMatches">Shapes are identical.</param>
public readonly record struct Comparison(double MaxAbs, double MaxRel, double Cosine, bool ShapeMatches)
{
    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/> element by element, as floats.</summary>
    public static Comparison Of(Tensor actual, Tensor expected)
    {
        bool shapeOk = actual.Shape.SequenceEqual(expected.Shape);
        if (!shapeOk || actual.ElementCount != expected.ElementCount)
            return new(double.PositiveInfinity, double.PositiveInfinity, 0, false);
        var a = actual.ToSingleArray();
        var e = expected.ToSingleArray();
        double maxAbs = 0, scale = 0, dot = 0, na = 0, ne = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i], y = e[i];
            if (double.IsNaN(x) != double.IsNaN(y) || (double.IsInfinity(y) && x != y))
                maxAbs = double.PositiveInfinity;
            else if (!double.IsNaN(y) && !double.IsInfinity(y))
                maxAbs = Math.Max(maxAbs, Math.Abs(x - y));
            if (!double.IsNaN(y) && !double.IsInfinity(y))
            {
                scale = Math.Max(scale, Math.Abs(y));
                dot += x * y;
                na += x * x;
                ne += y * y;
            }
        }
        double cos = na == 0 && ne == 0 ? 1 : dot / Math.Sqrt(na * ne);
        return new(maxAbs, scale == 0 ? maxAbs : maxAbs / scale, cos, true);
    }
}
