namespace Mote.Models.Tests;

/// <summary>A detected box in normalized [0,1] corner coordinates.</summary>
internal readonly record struct Detection(int Class, float Score, float X1, float Y1, float X2, float Y2)
{
    public float Area => Math.Max(0, X2 - X1) * Math.Max(0, Y2 - Y1);

    public float IoU(Detection o)
    {
        float ix = Math.Max(0, Math.Min(X2, o.X2) - Math.Max(X1, o.X1));
        float iy = Math.Max(0, Math.Min(Y2, o.Y2) - Math.Max(Y1, o.Y1));
        float inter = ix * iy;
        return inter <= 0 ? 0 : inter / (Area + o.Area - inter);
    }

    /// <summary>Greedy non-maximum suppression per class, highest score first.</summary>
    public static List<Detection> Nms(IEnumerable<Detection> candidates, float iouThreshold)
    {
        var kept = new List<Detection>();
        foreach (var d in candidates.OrderByDescending(d => d.Score))
            if (!kept.Any(k => k.Class == d.Class && k.IoU(d) > iouThreshold))
                kept.Add(d);
        return kept;
    }

    /// <summary>Asserts both lists hold the same detections (same order after NMS) within a coordinate tolerance.</summary>
    public static void AssertSame(IReadOnlyList<Detection> expected, IReadOnlyList<Detection> actual, float tolerance = 1e-3f)
    {
        Xunit.Assert.True(expected.Count == actual.Count, $"expected {expected.Count} detections, got {actual.Count}");
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Xunit.Assert.True(e.Class == a.Class, $"detection {i}: class {a.Class}, expected {e.Class}");
            Xunit.Assert.True(Math.Abs(e.Score - a.Score) <= tolerance, $"detection {i}: score {a.Score}, expected {e.Score}");
            foreach (var (x, y) in new[] { (e.X1, a.X1), (e.Y1, a.Y1), (e.X2, a.X2), (e.Y2, a.Y2) })
                Xunit.Assert.True(Math.Abs(x - y) <= tolerance, $"detection {i}: box {a}, expected {e}");
        }
    }

    /// <summary>
    /// Asserts both lists find the same objects: as many detections, and each expected one matched by an actual one
    /// of its class with IoU ≥ <paramref name="minIou"/> (the check for reduced-precision models, whose scores move a little).
    /// </summary>
    public static void AssertSameObjects(IReadOnlyList<Detection> expected, IReadOnlyList<Detection> actual, string what, float minIou = 0.9f)
    {
        Xunit.Assert.True(expected.Count == actual.Count, $"{what}: expected {expected.Count} detections, got {actual.Count}");
        foreach (var e in expected)
        {
            float best = actual.Where(a => a.Class == e.Class).Select(a => a.IoU(e)).DefaultIfEmpty(0).Max();
            Xunit.Assert.True(best >= minIou, $"{what}: {e} best IoU {best:F3} among {string.Join(", ", actual)}");
        }
    }

    /// <summary>The fraction of <paramref name="expected"/> detections that <paramref name="actual"/> finds: same class, IoU ≥ <paramref name="minIou"/>.</summary>
    public static double Found(IReadOnlyList<Detection> expected, IReadOnlyList<Detection> actual, float minIou) =>
        expected.Count == 0 ? 1 : expected.Count(e => actual.Any(a => a.Class == e.Class && a.IoU(e) >= minIou)) / (double)expected.Count;
}
