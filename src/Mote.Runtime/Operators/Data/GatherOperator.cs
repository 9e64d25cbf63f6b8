using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mote.Format;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Gather: <c>y[o, j..., i] = x[o, indices[j...], i]</c> along <c>axis</c>; output shape
/// x.shape[:axis] + indices.shape + x.shape[axis+1:] (scalar indices drop the axis). Indices
/// are int32 or int64, negative counts from the end. They are checked and resolved once into
/// scratch; then each (outer, index) pair copies one contiguous inner block (a memmove), or one
/// element when gathering along the last axis.
/// </summary>
internal sealed class GatherOperator(NodeDef node) : Operator(node)
{
    private readonly long _axis = node.GetInt("axis", 0);

    public override void InferShapes(ShapeContext ctx)
    {
        var x = ctx.InputShape(0);
        var idx = ctx.InputShape(1);
        ctx.ExpectType(1, "indices", DataType.Int32, DataType.Int64);
        if (x.Length == 0)
            throw new MoteShapeException("Gather data must have rank 1 or more, got a scalar");
        int axis = ShapeMath.Axis(_axis, x.Length, "Gather");
        var y = new int[x.Length - 1 + idx.Length];
        x.AsSpan(0, axis).CopyTo(y);
        idx.CopyTo(y, axis);
        x.AsSpan(axis + 1).CopyTo(y.AsSpan(axis + idx.Length));
        ctx.SetOutput(0, ctx.InputType(0), y);
        ctx.RequestScratch(ShapeMath.Count(idx) * sizeof(int));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        int axis = ShapeMath.Axis(_axis, x.Rank, "Gather");
        var idx = new IndexSpan(ctx.Input(1));
        int n = x.Shape[axis], m = idx.Length;
        var rows = ctx.ScratchAs<int>(0, m);
        for (int j = 0; j < m; j++)
            rows[j] = idx.Resolve(j, n, "Gather");
        if (y.Count == 0)
            return;
        long outer = ShapeMath.Product(x.Shape, 0, axis);
        long inner = ShapeMath.Product(x.Shape, axis + 1, x.Rank);
        int es = x.Type.Size();
        if (inner == 1)
        {
            switch (es)
            {
                case 1: Elements<byte>(x.Bytes, y.Bytes, rows, outer, n); break;
                case 2: Elements<ushort>(x.Bytes, y.Bytes, rows, outer, n); break;
                case 4: Elements<uint>(x.Bytes, y.Bytes, rows, outer, n); break;
                default: Elements<ulong>(x.Bytes, y.Bytes, rows, outer, n); break;
            }
            return;
        }
        int block = (int)(inner * es);
        var src = x.Bytes;
        var dst = y.Bytes;
        for (long o = 0; o < outer; o++)
        {
            long s0 = o * n, d0 = o * m;
            for (int j = 0; j < m; j++)
                src.Slice((int)((s0 + rows[j]) * block), block).CopyTo(dst.Slice((int)((d0 + j) * block), block));
        }
    }

    private static void Elements<T>(Span<byte> srcBytes, Span<byte> dstBytes, ReadOnlySpan<int> rows, long outer, int n) where T : unmanaged
    {
        var src = MemoryMarshal.Cast<byte, T>(srcBytes);
        var dst = MemoryMarshal.Cast<byte, T>(dstBytes);
        int m = rows.Length;
        for (long o = 0; o < outer; o++)
        {
            var s = src.Slice((int)(o * n), n);
            var d = dst.Slice((int)(o * m), m);
            for (int j = 0; j < d.Length; j++)
                d[j] = s[rows[j]];
        }
    }
}
