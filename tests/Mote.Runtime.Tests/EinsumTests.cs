using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>Einsum against a brute-force reference that enumerates every assignment of the subscripts.</summary>
public class EinsumTests
{
    public static TheoryData<string, string> Cases() => new()
    {
        // equation, operand shapes ("2x3;3x4")
        { "bij,bjk->bik", "5x2x3;5x3x4" },
        { "bij, bkj -> bik", "2x4x3;2x5x3" },
        { "ji,jk->ik", "3x4;3x5" },
        { "bhqd,bhkd->bhqk", "2x3x5x8;2x3x7x8" },
        { "ik,kj->ji", "4x6;6x3" },
        { "abc,cd->dba", "2x3x4;4x5" },
        { "ij,jk", "3x4;4x2" },
        { "ba", "3x4" },
        { "i,i", "7;7" },
        { "i,j->ij", "3;4" },
        { "ab,ab->", "3x5;3x5" },
        { "ij->", "4x5" },
        { "ii->i", "4x4" },
        { "ii", "5x5" },
        { "bii->bi", "3x4x4" },
        { "...ii->...i", "2x3x4x4" },
        { "...ij,...jk->...ik", "2x1x3x4;5x4x2" },
        { "i...,i...->...", "3x2x4;3x1x4" },
        { "ij,jk,kl->il", "2x3;3x4;4x5" },
        { "abc->cab", "2x3x4" },
        { "ij,ij->ij", "3x4;3x4" },
        { "bij,bjk->bik", "2x0x3;2x3x4" },
        { "ij,jk->ik", "3x0;0x4" },
        { "->", "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesBruteForce(string equation, string shapes)
    {
        var dims = shapes.Length == 0 ? [Array.Empty<int>()] : shapes.Split(';').Select(s => s.Split('x').Select(int.Parse).ToArray()).ToArray();
        var attrs = new[] { Str("equation", equation) };
        // f32 (matrix-product forms take the SGEMM path), f64 and int64 (reference loop).
        var f = dims.Select((d, i) => Floats(Count(d), i + 1)).ToArray();
        var want = Reference(equation, dims, f.Select(x => x.Select(v => (double)v).ToArray()).ToArray(), out var outShape);
        var y = NodeHarness.RunBoth(OpType.Einsum, f.Select((x, i) => (Tensor?)Tensor.FromArray(x, dims[i])).ToArray(), 1, attrs)[0];
        Assert.Equal(outShape, y.Shape.ToArray());
        AssertClose(y.ToArray<float>(), want, 1e-5, 1e-4, equation + " f32");
        var y2 = NodeHarness.Run(OpType.Einsum, f.Select((x, i) => (Tensor?)Tensor.FromArray(x, dims[i])).ToArray(), false, 1, attrs, new SessionOptions { Threads = 2 })[0];
        AssertClose(y2.ToArray<float>(), want, 1e-5, 1e-4, equation + " f32, 2 threads");
        var d64 = NodeHarness.RunBoth(OpType.Einsum, f.Select((x, i) => (Tensor?)Tensor.FromArray(x.Select(v => (double)v).ToArray(), dims[i])).ToArray(), 1, attrs)[0];
        var got = d64.ToArray<double>();
        for (int i = 0; i < got.Length; i++)
            Assert.True(Close(got[i], want[i], 1e-12, 1e-12), $"{equation} f64: element {i} is {got[i]}, expected {want[i]}");
        var ints = dims.Select((d, i) => Floats(Count(d), i + 1).Select(v => (long)Math.Round(v * 3)).ToArray()).ToArray();
        var wantInts = Reference(equation, dims, ints.Select(x => x.Select(v => (double)v).ToArray()).ToArray(), out _);
        var yi = NodeHarness.RunBoth(OpType.Einsum, ints.Select((x, i) => (Tensor?)Tensor.FromArray(x, dims[i])).ToArray(), 1, attrs)[0];
        Assert.Equal(wantInts.Select(v => (long)v).ToArray(), yi.ToArray<long>());
    }

    [Fact]
    public void RejectsBadEquations()
    {
        var x = Tensor.FromArray(new float[6], 2, 3);
        Assert.ThrowsAny<MoteException>(() => NodeHarness.Run(OpType.Einsum, [x], false, 1, [Str("equation", "ijk->i")]));
        Assert.ThrowsAny<MoteException>(() => NodeHarness.Run(OpType.Einsum, [x], false, 1, [Str("equation", "ij->k")]));
        Assert.ThrowsAny<MoteException>(() => NodeHarness.Run(OpType.Einsum, [x, x], false, 1, [Str("equation", "ij,ij->iij")]));
        Assert.ThrowsAny<MoteException>(() => NodeHarness.Run(OpType.Einsum, [x, x], false, 1, [Str("equation", "ij,jk->ik")]));
        Assert.ThrowsAny<MoteException>(() => NodeHarness.Run(OpType.Einsum, [x], false, 1, [Str("equation", "i2->i")]));
    }

    /// <summary>Sums the product of the operands over every assignment of the subscripts (ellipses become spare letters).</summary>
    private static double[] Reference(string equation, int[][] shapes, double[][] data, out int[] outShape)
    {
        var eq = equation.Replace(" ", "");
        string lhs = eq.Contains("->") ? eq[..eq.IndexOf("->")] : eq;
        var terms = lhs.Split(',');
        int ell = terms.Select((t, i) => t.Contains("...") ? shapes[i].Length - (t.Length - 3) : 0).Max();
        string spare = "ZYXWVU"[..ell]; // right-aligned: the last ellipsis dimension is 'Z'... reversed below
        string Ellipsis(int n) => new string(spare.Reverse().ToArray())[(ell - n)..];
        for (int i = 0; i < terms.Length; i++)
            terms[i] = terms[i].Replace("...", Ellipsis(terms[i].Contains("...") ? shapes[i].Length - (terms[i].Length - 3) : 0));
        string output = eq.Contains("->")
            ? eq[(eq.IndexOf("->") + 2)..].Replace("...", Ellipsis(ell))
            : Ellipsis(ell) + string.Concat(string.Concat(terms).Where(c => !spare.Contains(c)).GroupBy(c => c).Where(g => g.Count() == 1).Select(g => g.Key).Order());
        var size = new Dictionary<char, int>();
        for (int i = 0; i < terms.Length; i++)
            for (int d = 0; d < terms[i].Length; d++)
                if (!size.TryGetValue(terms[i][d], out int known) || known == 1)
                    size[terms[i][d]] = shapes[i][d];
        var letters = size.Keys.ToArray();
        outShape = output.Select(c => size[c]).ToArray();
        var y = new double[Count(outShape)];
        var value = new Dictionary<char, int>();
        void Visit(int l)
        {
            if (l == letters.Length)
            {
                double p = 1;
                for (int i = 0; i < terms.Length; i++)
                {
                    int at = 0;
                    for (int d = 0; d < terms[i].Length; d++)
                        at = at * shapes[i][d] + (shapes[i][d] == 1 ? 0 : value[terms[i][d]]);
                    p *= data[i][at];
                }
                int o = 0;
                for (int d = 0; d < output.Length; d++)
                    o = o * size[output[d]] + value[output[d]];
                y[o] += p;
                return;
            }
            for (int v = 0; v < size[letters[l]]; v++)
            {
                value[letters[l]] = v;
                Visit(l + 1);
            }
        }
        Visit(0);
        return y;
    }
}
