using System.Numerics;
using Mote.Format;
using Mote.Runtime.Operators.Elementwise;
using Mote.Runtime.Operators.Reduce;

namespace Mote.Runtime.Operators.Normalization;

/// <summary>
/// ONNX MeanVarianceNormalization (opset 13): y = (x − mean) / (√variance + 1e-9) with mean and
/// population variance over <c>axes</c> (default [0, 2, 3]), as the operator's function body defines.
/// Statistics in double (two passes); scalar, since the operator is rare.
/// </summary>
internal sealed class MeanVarianceNormalizationOperator(NodeDef node) : Operator(node)
{
    private const double Epsilon = 1e-9;
    private readonly long[] _axes = node.GetInts("axes") ?? [0, 2, 3];

    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsFloat(t), Node.Op, t);
        var x = ctx.InputShape(0);
        var reduced = new bool[Math.Max(1, x.Length)];
        ReduceAxes.Mark(_axes, Math.Max(1, x.Length), false, reduced, Node.Op);
        ctx.RequestScratch(2 * sizeof(double) * ShapeMath.Count(ReduceAxes.OutputShape(x, reduced[..x.Length], true)));
        ctx.SetOutput(0, t, x);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        int rank = x.Rank;
        Span<bool> reduced = stackalloc bool[Math.Max(1, rank)];
        ReduceAxes.Mark(_axes, Math.Max(1, rank), false, reduced, Node.Op);
        Span<long> sizes = stackalloc long[Math.Max(1, rank)];
        Span<bool> isReduced = stackalloc bool[Math.Max(1, rank)];
        int m = ReduceAxes.Groups(x.Shape, reduced[..rank], sizes, isReduced);
        long outputs = 1;
        for (int j = 0; j < m; j++)
            if (!isReduced[j])
                outputs *= sizes[j];
        var stats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(ctx.Scratch)[..(int)(2 * outputs)];
        if (x.Type == DataType.Float32)
            Run(x.Span<float>(), ctx.Output(0).Span<float>(), sizes[..m], isReduced[..m], stats);
        else
            Run(x.Span<double>(), ctx.Output(0).Span<double>(), sizes[..m], isReduced[..m], stats);
    }

    private static void Run<T>(ReadOnlySpan<T> x, Span<T> y, ReadOnlySpan<long> sizes, ReadOnlySpan<bool> isReduced, Span<double> stats)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outputs = stats.Length / 2;
        var mean = stats[..outputs];
        var dev = stats[outputs..];
        mean.Clear();
        dev.Clear();
        Span<long> stride = stackalloc long[Math.Max(1, sizes.Length)];
        Span<long> index = stackalloc long[Math.Max(1, sizes.Length)];
        var walk = new ReducedIndexWalker(sizes, isReduced, stride, index);
        double count = outputs == 0 ? 0 : (double)x.Length / outputs;
        for (int i = 0; i < x.Length; i++, walk.Next())
            mean[(int)walk.Output] += double.CreateTruncating(x[i]);
        for (int k = 0; k < outputs; k++)
            mean[k] /= count;
        walk.Reset();
        for (int i = 0; i < x.Length; i++, walk.Next())
        {
            double c = double.CreateTruncating(x[i]) - mean[(int)walk.Output];
            dev[(int)walk.Output] += c * c;
        }
        for (int k = 0; k < outputs; k++)
            dev[k] = Math.Sqrt(dev[k] / count) + Epsilon;
        walk.Reset();
        for (int i = 0; i < x.Length; i++, walk.Next())
            y[i] = T.CreateTruncating((double.CreateTruncating(x[i]) - mean[(int)walk.Output]) / dev[(int)walk.Output]);
    }
}
