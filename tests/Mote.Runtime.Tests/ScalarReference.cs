using Mote.Format;

namespace Mote.Runtime.Tests;

/// <summary>Independent scalar helpers for operator tests: broadcasting by index arithmetic, data, comparisons.</summary>
internal static class ScalarReference
{
    /// <summary>NumPy broadcast of shapes.</summary>
    public static int[] BroadcastShape(params int[][] shapes)
    {
        int rank = shapes.Max(s => s.Length);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int d = 1;
            foreach (var s in shapes)
            {
                int j = i - (rank - s.Length);
                int sd = j >= 0 ? s[j] : 1;
                if (sd != 1)
                {
                    if (d != 1 && d != sd)
                        throw new ArgumentException("not broadcastable");
                    d = sd;
                }
            }
            r[i] = d;
        }
        return r;
    }

    /// <summary>The flat index into a tensor of <paramref name="shape"/> read for flat output index <paramref name="flat"/> of <paramref name="outShape"/>.</summary>
    public static int SourceIndex(int flat, int[] outShape, int[] shape)
    {
        int index = 0, stride = 1;
        for (int i = outShape.Length - 1; i >= 0; i--)
        {
            int coord = flat % outShape[i];
            flat /= outShape[i];
            int j = i - (outShape.Length - shape.Length);
            if (j < 0)
                continue;
            if (shape[j] != 1)
                index += coord * stride;
            stride *= shape[j];
        }
        return index;
    }

    public static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>Deterministic floats in [lo, hi).</summary>
    public static float[] Floats(int n, int seed, float lo = -4, float hi = 4)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(lo + rng.NextDouble() * (hi - lo))).ToArray();
    }

    /// <summary>Floats with edge values (NaN, ±∞, ±0, denormals, large) mixed in at deterministic places.</summary>
    public static float[] FloatsWithEdges(int n, int seed, float lo = -4, float hi = 4)
    {
        var x = Floats(n, seed, lo, hi);
        float[] edges = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, -1e-41f, 3e38f, -3e38f];
        for (int k = 0; k < edges.Length && k * 3 < n; k++)
            x[(k * 5 + seed) % n] = edges[k];
        return x;
    }

    /// <summary>True when both are NaN, equal, or within max(absTol, relTol·|b|).</summary>
    public static bool Close(double a, double b, double relTol, double absTol = 0)
    {
        if (double.IsNaN(a) || double.IsNaN(b))
            return double.IsNaN(a) && double.IsNaN(b);
        if (a == b)
            return true;
        return Math.Abs(a - b) <= Math.Max(absTol, relTol * Math.Abs(b));
    }

    /// <summary>Asserts every element of <paramref name="got"/> is close to <paramref name="want"/>.</summary>
    public static void AssertClose(ReadOnlySpan<float> got, ReadOnlySpan<double> want, double relTol, double absTol = 0, string what = "")
    {
        if (got.Length != want.Length)
            throw new Xunit.Sdk.XunitException($"{what}: {got.Length} elements, expected {want.Length}");
        for (int i = 0; i < got.Length; i++)
            if (!Close(got[i], want[i], relTol, absTol))
                throw new Xunit.Sdk.XunitException($"{what}: element {i} is {got[i]:R}, expected {want[i]:R}");
    }

    /// <summary>Asserts exact equality, NaN equal to NaN, +0 equal to −0.</summary>
    public static void AssertSame(ReadOnlySpan<float> got, ReadOnlySpan<float> want, string what = "")
    {
        if (got.Length != want.Length)
            throw new Xunit.Sdk.XunitException($"{what}: {got.Length} elements, expected {want.Length}");
        for (int i = 0; i < got.Length; i++)
            if (!(got[i] == want[i] || (float.IsNaN(got[i]) && float.IsNaN(want[i]))))
                throw new Xunit.Sdk.XunitException($"{what}: element {i} is {got[i]:R}, expected {want[i]:R}");
    }

    public static AttributeDef Int(string name, long v) => AttributeDef.FromInt(name, v);

    public static AttributeDef Float(string name, float v) => AttributeDef.FromFloat(name, v);

    public static AttributeDef Ints(string name, params long[] v) => AttributeDef.FromInts(name, v);

    public static AttributeDef Str(string name, string v) => AttributeDef.FromString(name, v);
}
