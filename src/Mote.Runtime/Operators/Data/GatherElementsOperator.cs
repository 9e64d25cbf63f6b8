using System.Runtime.InteropServices;
using Mote.Format;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX GatherElements: <c>y[p] = x[p with p[axis] replaced by indices[p]]</c>; output shape is
/// the indices' shape (each dimension at most the data's, except along the axis). The walk
/// keeps the data offset of the current position incrementally (no index division).
/// </summary>
internal sealed class GatherElementsOperator(NodeDef node) : Operator(node)
{
    private readonly long _axis = node.GetInt("axis", 0);

    public override void InferShapes(ShapeContext ctx)
    {
        var x = ctx.InputShape(0);
        var idx = ctx.InputShape(1);
        ctx.ExpectType(1, "indices", DataType.Int32, DataType.Int64);
        CheckShapes(x, idx, _axis, "GatherElements");
        ctx.SetOutput(0, ctx.InputType(0), idx);
    }

    /// <summary>Data and indices have the same rank ≥ 1 and indices fit inside the data off the axis.</summary>
    public static int CheckShapes(int[] x, int[] idx, long axisAttr, string what)
    {
        if (x.Length == 0 || idx.Length != x.Length)
            throw new MoteShapeException($"{what} data {ShapeMath.Format(x)} and indices {ShapeMath.Format(idx)} must have the same rank ≥ 1");
        int axis = ShapeMath.Axis(axisAttr, x.Length, what);
        for (int d = 0; d < x.Length; d++)
            if (d != axis && idx[d] > x[d])
                throw new MoteShapeException($"{what} indices {ShapeMath.Format(idx)} exceed data {ShapeMath.Format(x)} in dimension {d}");
        return axis;
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        if (y.Count == 0)
            return;
        int axis = ShapeMath.Axis(_axis, x.Rank, "GatherElements");
        var idx = new IndexSpan(ctx.Input(1));
        switch (x.Type.Size())
        {
            case 1: Run<byte>(x.Bytes, x.Shape, idx, y.Bytes, y.Shape, axis); break;
            case 2: Run<ushort>(x.Bytes, x.Shape, idx, y.Bytes, y.Shape, axis); break;
            case 4: Run<uint>(x.Bytes, x.Shape, idx, y.Bytes, y.Shape, axis); break;
            default: Run<ulong>(x.Bytes, x.Shape, idx, y.Bytes, y.Shape, axis); break;
        }
    }

    private static void Run<T>(Span<byte> xb, int[] xShape, IndexSpan idx, Span<byte> yb, int[] shape, int axis) where T : unmanaged
    {
        var src = MemoryMarshal.Cast<byte, T>(xb);
        var dst = MemoryMarshal.Cast<byte, T>(yb);
        var walk = new AxisWalk(xShape, shape, axis, stackalloc long[shape.Length], stackalloc int[shape.Length]);
        int n = xShape[axis];
        int inner = shape[^1];
        for (long p = 0; p < dst.Length; p += inner)
        {
            long b = walk.Base;
            for (int j = 0; j < inner; j++)
            {
                int k = (int)p + j;
                dst[k] = src[(int)(b + j * walk.LastStride + idx.Resolve(k, n, "GatherElements") * walk.AxisStride)];
            }
            walk.Next();
        }
    }
}
