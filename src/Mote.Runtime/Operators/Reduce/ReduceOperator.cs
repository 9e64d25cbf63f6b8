using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;

namespace Mote.Runtime.Operators.Reduce;

/// <summary>
/// ONNX ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceLogSum,
/// ReduceLogSumExp, ReduceSumSquare (opset 18; axes as an optional int64 input known when planning,
/// <c>keepdims</c> default 1, <c>noop_with_empty_axes</c> default 0). Types f32, f64, i32, i64, u32,
/// u64; Max and Min also i8, u8 and bool. Reducing an empty set gives the identity (0, 1, −∞/MinValue
/// for Max, +∞/MaxValue for Min; Mean 0/0 = NaN, LogSum log 0 = −∞). With no axes and the no-op flag,
/// each element is reduced on its own (SumSquare squares, L1/L2 take |x|, LogSum takes log). Max and
/// Min propagate NaN. Float sums accumulate in the input precision.
/// </summary>
internal sealed class ReduceOperator(NodeDef node, ReduceKind kind) : Operator(node)
{
    private readonly bool _keepDims = node.GetInt("keepdims", 1) != 0;
    private readonly bool _noop = node.GetInt("noop_with_empty_axes", 0) != 0;

    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        bool ok = t is DataType.Float32 or DataType.Float64 or DataType.Int32 or DataType.Int64 or DataType.UInt32 or DataType.UInt64
            || (kind is ReduceKind.Max or ReduceKind.Min && t is DataType.Int8 or DataType.UInt8 or DataType.Bool);
        TypeDispatch.Require(ok, Node.Op, t);
        var input = ctx.InputShape(0);
        long[] axes = ctx.HasInput(1) ? ctx.GetInts(1) : [];
        var mark = new bool[Math.Max(1, input.Length)];
        bool any = ReduceAxes.Mark(axes, Math.Max(1, input.Length), _noop, mark, Node.Op);
        var reduced = mark[..input.Length];
        ctx.SetOutput(0, t, any ? ReduceAxes.OutputShape(input, reduced, _keepDims) : input);
        var sizes = new long[input.Length];
        var isReduced = new bool[input.Length];
        int m = ReduceAxes.Groups(input, reduced, sizes, isReduced);
        if (kind == ReduceKind.LogSumExp)
            ctx.RequestScratch(2 * sizeof(double) * ShapeMath.Count(ctx.OutputShapes[0]!));
        else
            ctx.RequestScratch(ReducePasses<float>.ScratchElements(sizes.AsSpan(0, m), isReduced.AsSpan(0, m)) * t.Size());
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        int rank = x.Rank;
        Span<bool> reduced = stackalloc bool[Math.Max(1, rank)];
        var a = ctx.Input(1);
        Span<long> axes = a.IsNone ? [] : a.Type == DataType.Int64 ? a.Span<long>() : stackalloc long[(int)a.Count];
        if (!a.IsNone && a.Type == DataType.Int32)
            for (int i = 0; i < axes.Length; i++)
                axes[i] = a.Span<int>()[i];
        ReduceAxes.Mark(axes, Math.Max(1, rank), _noop, reduced, Node.Op);
        Span<long> sizes = stackalloc long[Math.Max(1, rank)];
        Span<bool> isReduced = stackalloc bool[Math.Max(1, rank)];
        int m = ReduceAxes.Groups(x.Shape, reduced[..rank], sizes, isReduced);
        var v = new Visitor(kind, x, ctx.Output(0), sizes[..m], isReduced[..m], ctx.Scratch);
        if (x.Type == DataType.Bool)
            v.Visit<byte>();
        else
            TypeDispatch.Numeric(x.Type, ref v, Node.Op);
    }

    private readonly ref struct Visitor(ReduceKind kind, TensorValue x, TensorValue y, Span<long> sizes, ReadOnlySpan<bool> isReduced, Span<byte> scratch) : INumericVisitor
    {
        private readonly Span<long> _sizes = sizes;
        private readonly ReadOnlySpan<bool> _isReduced = isReduced;
        private readonly Span<byte> _scratch = scratch;

        public void Visit<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            if (kind == ReduceKind.LogSumExp)
            {
                LogSumExp<T>.Run(x.Span<T>(), y.Span<T>(), _sizes, _isReduced, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(_scratch));
                return;
            }
            var scratch = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(_scratch);
            ReducePasses<T>.Run(kind, x.Span<T>(), y.Span<T>(), _sizes, _isReduced, scratch);
        }
    }
}
