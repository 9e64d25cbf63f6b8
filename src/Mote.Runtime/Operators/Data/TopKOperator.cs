using System.Numerics;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX TopK (opset 11): the k largest (<c>largest</c>=1) or smallest elements along <c>axis</c>,
/// with their int64 indices. k is input 1 and must be known before the run. Results are always
/// sorted (allowed for <c>sorted</c>=0); equal values keep the smaller index first, like ONNX
/// Runtime, and NaN orders above every number. Each line along the axis is gathered into
/// scratch, then selected with a k-element heap when k is small against the line, or sorted.
/// </summary>
internal sealed class TopKOperator(NodeDef node) : Operator(node)
{
    private readonly long _axis = node.GetInt("axis", -1);
    private readonly bool _largest = node.GetInt("largest", 1) != 0;

    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        if (!TypeSwitch.IsNumeric(ctx.InputType(0)))
            throw new MoteNotSupportedException($"TopK is not defined for {ctx.InputType(0).ShortName()}");
        if (shape.Length == 0)
            throw new MoteShapeException("TopK input must have rank 1 or more, got a scalar");
        int axis = ShapeMath.Axis(_axis, shape.Length, "TopK");
        var kv = ctx.GetInts(1);
        if (kv.Length != 1)
            throw new MoteShapeException($"K must hold one value, got {kv.Length}");
        if (kv[0] < 0 || kv[0] > shape[axis])
            throw new MoteShapeException($"K = {kv[0]} is outside [0, {shape[axis]}] for axis {axis} of {ShapeMath.Format(shape)}");
        var y = (int[])shape.Clone();
        y[axis] = (int)kv[0];
        ctx.SetOutput(0, ctx.InputType(0), y);
        ctx.SetOutput(1, DataType.Int64, y);
        // One (value, index) entry per element of a line; 16 bytes covers every element type.
        ctx.RequestScratch(shape[axis] * 16L);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var job = new Select
        {
            X = x,
            Values = ctx.Output(0),
            Indices = ctx.Output(1),
            Axis = ShapeMath.Axis(_axis, x.Rank, "TopK"),
            Largest = _largest,
            Scratch = ctx.Scratch,
        };
        TypeSwitch.Numeric(x.Type, ref job, "TopK");
    }

    private ref struct Select : INumericAction
    {
        public TensorValue X, Values, Indices;
        public int Axis;
        public bool Largest;
        public Span<byte> Scratch;

        public readonly void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            if (Largest)
                Lines<T, Larger<T>>();
            else
                Lines<T, Smaller<T>>();
        }

        private readonly void Lines<T, TOrder>() where T : unmanaged, INumber<T> where TOrder : struct, IComparer<Entry<T>>
        {
            var shape = X.Shape;
            int n = shape[Axis];
            int k = Values.Shape[Axis];
            if (k == 0)
                return;
            long outer = ShapeMath.Product(shape, 0, Axis);
            long inner = ShapeMath.Product(shape, Axis + 1, shape.Length);
            var src = X.Span<T>();
            var values = Values.Span<T>();
            var indices = Indices.IsNone ? default : Indices.Span<long>();
            var line = MemoryMarshal.Cast<byte, Entry<T>>(Scratch)[..n];
            var order = default(TOrder);
            for (long o = 0; o < outer; o++)
                for (long i = 0; i < inner; i++)
                {
                    long s0 = o * n * inner + i;
                    for (int j = 0; j < n; j++)
                        line[j] = new Entry<T>(src[(int)(s0 + j * inner)], j);
                    var best = k * 4 < n ? Heap(line, k, order) : line;
                    best.Sort(order);
                    long d0 = o * k * inner + i;
                    for (int j = 0; j < k; j++)
                    {
                        values[(int)(d0 + j * inner)] = best[j].Value;
                        if (!Indices.IsNone)
                            indices[(int)(d0 + j * inner)] = best[j].Index;
                    }
                }
        }

        /// <summary>Moves the first k entries in <typeparamref name="TOrder"/> to the front of <paramref name="line"/> (unordered).</summary>
        private static Span<Entry<T>> Heap<T, TOrder>(Span<Entry<T>> line, int k, TOrder order) where TOrder : IComparer<Entry<T>>
        {
            // A heap whose root is the entry that would come last among the k kept so far.
            var heap = line[..k];
            for (int i = k / 2 - 1; i >= 0; i--)
                SiftDown(heap, i, order);
            for (int j = k; j < line.Length; j++)
                if (order.Compare(line[j], heap[0]) < 0)
                {
                    heap[0] = line[j];
                    SiftDown(heap, 0, order);
                }
            return heap;
        }

        private static void SiftDown<T, TOrder>(Span<Entry<T>> heap, int i, TOrder order) where TOrder : IComparer<Entry<T>>
        {
            while (true)
            {
                int c = 2 * i + 1;
                if (c >= heap.Length)
                    return;
                if (c + 1 < heap.Length && order.Compare(heap[c + 1], heap[c]) > 0)
                    c++;
                if (order.Compare(heap[c], heap[i]) <= 0)
                    return;
                (heap[c], heap[i]) = (heap[i], heap[c]);
                i = c;
            }
        }
    }

    private readonly record struct Entry<T>(T Value, int Index);

    /// <summary>Total order on values: NaN above every number, NaNs equal.</summary>
    private static int Compare<T>(T a, T b) where T : INumber<T>
    {
        if (T.IsNaN(a))
            return T.IsNaN(b) ? 0 : 1;
        if (T.IsNaN(b))
            return -1;
        return a < b ? -1 : a > b ? 1 : 0;
    }

    private readonly struct Larger<T> : IComparer<Entry<T>> where T : INumber<T>
    {
        public int Compare(Entry<T> a, Entry<T> b)
        {
            int c = TopKOperator.Compare(b.Value, a.Value);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        }
    }

    private readonly struct Smaller<T> : IComparer<Entry<T>> where T : INumber<T>
    {
        public int Compare(Entry<T> a, Entry<T> b)
        {
            int c = TopKOperator.Compare(a.Value, b.Value);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        }
    }
}
