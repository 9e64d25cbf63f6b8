using Mote.Format;

namespace Mote.Runtime.Operators.Misc;

/// <summary>
/// ONNX CenterCropPad (opset 18), any element type: along each listed axis (default all), the input is
/// cropped to, or zero-padded to, the target length given by the <c>shape</c> input, keeping the
/// centre: a crop starts ⌊(in − out)/2⌋ into the input, a pad places the input ⌊(out − in)/2⌋ into the
/// output. The target lengths must be known before the run (a constant or computed shape).
/// </summary>
internal sealed class CenterCropPadOperator(NodeDef node) : Operator(node)
{
    private readonly long[]? _axes = node.GetInts("axes");

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.SetOutput(0, ctx.InputType(0), Target(ctx.InputShape(0), ctx.GetInts(1)));
    }

    public override unsafe void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        var outShape = y.Shape;
        int rank = x.Rank, size = x.Type.Size();
        y.Bytes.Clear();
        // The box copied: its extent per axis, where it starts in the input (crop) and in the output (pad).
        var extent = new int[rank];
        var inStart = new int[rank];
        var outStart = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int i = x.Shape[d], o = outShape[d];
            extent[d] = Math.Min(i, o);
            inStart[d] = i > o ? (i - o) / 2 : 0;
            outStart[d] = o > i ? (o - i) / 2 : 0;
        }
        if (extent.Any(e => e == 0))
            return;
        var inStrides = ShapeMath.Strides(x.Shape);
        var outStrides = ShapeMath.Strides(outShape);
        int run = rank == 0 ? size : extent[^1] * size;
        byte* src = (byte*)x.Data, dst = (byte*)y.Data;
        var index = new int[Math.Max(0, rank - 1)];
        while (true)
        {
            long si = 0, di = 0;
            for (int d = 0; d < rank; d++)
            {
                int at = d < rank - 1 ? index[d] : 0;
                si += (inStart[d] + at) * inStrides[d];
                di += (outStart[d] + at) * outStrides[d];
            }
            new ReadOnlySpan<byte>(src + si * size, run).CopyTo(new Span<byte>(dst + di * size, run));
            int k = rank - 2;
            for (; k >= 0; k--)
            {
                if (++index[k] < extent[k])
                    break;
                index[k] = 0;
            }
            if (k < 0)
                return;
        }
    }

    private int[] Target(int[] x, long[] shape)
    {
        var axes = _axes ?? Enumerable.Range(0, x.Length).Select(a => (long)a).ToArray();
        if (shape.Length != axes.Length)
            throw new MoteShapeException($"shape has {shape.Length} values for {axes.Length} axes");
        var y = (int[])x.Clone();
        for (int i = 0; i < axes.Length; i++)
        {
            int axis = ShapeMath.Axis(axes[i], x.Length, "CenterCropPad");
            if (shape[i] < 0 || shape[i] > int.MaxValue)
                throw new MoteShapeException($"target length {shape[i]} is out of range");
            y[axis] = (int)shape[i];
        }
        return y;
    }
}
