using System.Numerics;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Unique: the distinct elements of the flattened input, or the distinct slices along
/// <c>axis</c>, sorted ascending (<c>sorted</c>=1, slices compared lexicographically) or in order
/// of first occurrence; with the int64 outputs indices (first occurrence of each), inverse_indices
/// (for each input element or slice, its position in Y) and counts. NaNs compare equal and sort
/// last. The output length depends on the values, so the input must be known before the run;
/// both shape inference and execution compute the grouping (a few managed arrays: this operator
/// only ever runs on data known ahead).
/// </summary>
internal sealed class UniqueOperator(NodeDef node) : Operator(node)
{
    private readonly long? _axis = node.Attribute("axis") is null ? null : node.GetInt("axis", 0);
    private readonly bool _sorted = node.GetInt("sorted", 1) != 0;

    public override void InferShapes(ShapeContext ctx)
    {
        var type = ctx.InputType(0);
        if (type != DataType.Bool && !TypeSwitch.IsNumeric(type))
            throw new MoteNotSupportedException($"Unique is not defined for {type.ShortName()}");
        if (!ctx.TryGetValue(0, out var x))
            throw new ValueNotKnownException("the output shape depends on the runtime value of input 0");
        var g = Group(x);
        int u = g.First.Length;
        int[] y;
        if (_axis is { } a)
        {
            y = (int[])x.Shape.Clone();
            y[ShapeMath.Axis(a, x.Rank, "Unique")] = u;
        }
        else
            y = [u];
        ctx.SetOutput(0, type, y);
        ctx.SetOutput(1, DataType.Int64, [u]);
        ctx.SetOutput(2, DataType.Int64, [g.Inverse.Length]);
        ctx.SetOutput(3, DataType.Int64, [u]);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var g = Group(x);
        var (outer, m, inner) = Layout(x);
        int u = g.First.Length;
        int block = (int)(inner * x.Type.Size());
        var src = x.Bytes;
        var dst = ctx.Output(0).Bytes;
        for (long o = 0; o < outer; o++)
            for (int j = 0; j < u; j++)
                src.Slice((int)((o * m + g.First[j]) * block), block).CopyTo(dst.Slice((int)((o * u + j) * block), block));
        if (!ctx.Output(1).IsNone)
            for (int j = 0; j < u; j++)
                ctx.Output(1).Span<long>()[j] = g.First[j];
        if (!ctx.Output(2).IsNone)
            for (int i = 0; i < g.Inverse.Length; i++)
                ctx.Output(2).Span<long>()[i] = g.Inverse[i];
        if (!ctx.Output(3).IsNone)
            for (int j = 0; j < u; j++)
                ctx.Output(3).Span<long>()[j] = g.Counts[j];
    }

    /// <summary>Slices are indexed by the middle of [outer, m, inner]; without an axis every element is a slice.</summary>
    private (long Outer, int M, long Inner) Layout(TensorValue x)
    {
        if (_axis is not { } a)
            return (1, (int)x.Count, 1);
        int axis = ShapeMath.Axis(a, x.Rank, "Unique");
        return (ShapeMath.Product(x.Shape, 0, axis), x.Shape[axis], ShapeMath.Product(x.Shape, axis + 1, x.Rank));
    }

    private record Grouping(int[] First, int[] Inverse, int[] Counts);

    private Grouping Group(TensorValue x)
    {
        var (outer, m, inner) = Layout(x);
        var job = new Job { X = x, Outer = outer, M = m, Inner = inner, Sorted = _sorted };
        if (x.Type == DataType.Bool)
            job.Run<byte>();
        else
            TypeSwitch.Numeric(x.Type, ref job, "Unique");
        return job.Result!;
    }

    private struct Job : INumericAction
    {
        public TensorValue X;
        public long Outer, Inner;
        public int M;
        public bool Sorted;
        public Grouping? Result;

        public void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            var data = MemoryMarshal.Cast<byte, T>(X.Bytes).ToArray();
            long outer = Outer, inner = Inner;
            int m = M;
            // Lexicographic order of slice a against slice b, element (o, i) by element.
            int CompareSlices(int a, int b)
            {
                for (long o = 0; o < outer; o++)
                    for (long i = 0; i < inner; i++)
                    {
                        int c = Order(data[(o * m + a) * inner + i], data[(o * m + b) * inner + i]);
                        if (c != 0)
                            return c;
                    }
                return 0;
            }
            var order = Enumerable.Range(0, m).ToArray();
            // Ties broken by position: the first of each group is its first occurrence.
            Array.Sort(order, (a, b) => CompareSlices(a, b) is var c && c != 0 ? c : a.CompareTo(b));
            var group = new int[m];
            var first = new List<int>();
            for (int i = 0; i < m; i++)
            {
                if (i == 0 || CompareSlices(order[i - 1], order[i]) != 0)
                    first.Add(order[i]);
                group[order[i]] = first.Count - 1;
            }
            // Renumber groups in output order.
            var rank = Enumerable.Range(0, first.Count).ToArray();
            if (!Sorted)
                Array.Sort(first.ToArray(), rank);
            var position = new int[first.Count];
            for (int j = 0; j < rank.Length; j++)
                position[rank[j]] = j;
            var outFirst = new int[first.Count];
            var counts = new int[first.Count];
            var inverse = new int[m];
            for (int g = 0; g < first.Count; g++)
                outFirst[position[g]] = first[g];
            for (int i = 0; i < m; i++)
            {
                inverse[i] = position[group[i]];
                counts[inverse[i]]++;
            }
            Result = new Grouping(outFirst, inverse, counts);
        }

        private static int Order<T>(T a, T b) where T : INumber<T>
        {
            if (T.IsNaN(a))
                return T.IsNaN(b) ? 0 : 1;
            if (T.IsNaN(b))
                return -1;
            return a < b ? -1 : a > b ? 1 : 0;
        }
    }
}
