using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>Applies a binary function with NumPy broadcasting, as a sequence of contiguous runs.</summary>
internal static class BinaryBroadcast
{
    /// <summary>
    /// y = op(a, b) where a and b broadcast to y's shape. <paramref name="a"/> may be the same tensor as
    /// <paramref name="y"/> (accumulating variadic operators); nothing else may overlap.
    /// </summary>
    public static void Run<TA, TB, TY, TOp>(in TOp op, TensorValue a, TensorValue b, TensorValue y)
        where TA : unmanaged where TB : unmanaged where TY : unmanaged where TOp : struct, IBinaryRuns<TA, TB, TY>
    {
        var sa = a.Span<TA>();
        var sb = b.Span<TB>();
        var sy = y.Span<TY>();
        if (sy.Length == 0)
            return;
        if (sa.Length == sy.Length && sb.Length == sy.Length)
        {
            op.Run(sa, sb, sy);
            return;
        }
        if (sb.Length == 1 && sa.Length == sy.Length)
        {
            op.Run(sa, sb[0], sy);
            return;
        }
        if (sa.Length == 1 && sb.Length == sy.Length)
        {
            op.Run(sa[0], sb, sy);
            return;
        }
        int w = Math.Max(1, y.Rank);
        Span<int> dims = stackalloc int[w];
        Span<int> index = stackalloc int[w];
        Span<long> strides = stackalloc long[2 * w];
        Span<long> offsets = stackalloc long[2];
        var layout = new BroadcastLayout(y.Shape, a.Shape, b.Shape, default, 2, dims, strides, index, offsets);
        int inner = layout.Inner;
        bool va = layout.InnerStride(0) != 0, vb = layout.InnerStride(1) != 0;
        for (long r = 0, outer = layout.Outer; r < outer; r++, layout.Next())
        {
            int oa = (int)layout.Offset(0), ob = (int)layout.Offset(1);
            var dst = sy.Slice((int)(r * inner), inner);
            if (va && vb)
                op.Run(sa.Slice(oa, inner), sb.Slice(ob, inner), dst);
            else if (va)
                op.Run(sa.Slice(oa, inner), sb[ob], dst);
            else if (vb)
                op.Run(sa[oa], sb.Slice(ob, inner), dst);
            else
            {
                op.Run(sa.Slice(oa, 1), sb[ob], dst[..1]);
                dst.Fill(dst[0]);
            }
        }
    }
}
