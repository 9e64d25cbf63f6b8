using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Kernels.Elementwise;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// ONNX Where (opset 16): y = condition ? x : y-input, the three inputs broadcast together; x and y of
/// any (equal) element type. Elements are moved as raw 1/2/4/8-byte values.
/// </summary>
internal sealed class WhereOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        if (ctx.InputType(0) != DataType.Bool)
            throw new MoteShapeException($"condition must be bool, got {ctx.InputType(0).ShortName()}");
        var t = TypeDispatch.SameType(ctx, 1, 2);
        var shape = ShapeMath.Broadcast(ShapeMath.Broadcast(ctx.InputShape(0), ctx.InputShape(1), "Where"), ctx.InputShape(2), "Where");
        ctx.SetOutput(0, t, shape);
    }

    public override void Execute(in NodeContext ctx)
    {
        var c = ctx.Input(0);
        var a = ctx.Input(1);
        var b = ctx.Input(2);
        var y = ctx.Output(0);
        switch (y.Type.Size())
        {
            case 1: Run<byte>(c, a, b, y, default); break;
            case 2: Run<ushort>(c, a, b, y, default); break;
            case 4: Run<uint>(c, a, b, y, SimdWidths.For(ctx.Kernels.Features)); break;
            default: Run<ulong>(c, a, b, y, default); break;
        }
    }

    // 4-byte elements (f32, i32) with a contiguous condition run use the vectorized Select32 kernel
    // (attention masks: Where(mask, scores, −∞)); other sizes and strided conditions loop.
    private static unsafe void Run<T>(TensorValue c, TensorValue a, TensorValue b, TensorValue y, SimdWidth width) where T : unmanaged
    {
        var cs = c.Span<byte>();
        var sa = new Span<T>(a.Data, checked((int)a.Count));
        var sb = new Span<T>(b.Data, checked((int)b.Count));
        var sy = new Span<T>(y.Data, checked((int)y.Count));
        if (sy.Length == 0)
            return;
        if (cs.Length == sy.Length && sa.Length == sy.Length && sb.Length == sy.Length)
        {
            Select(cs, sa, sb, sy, width);
            return;
        }
        int w = Math.Max(1, y.Rank);
        Span<int> dims = stackalloc int[w];
        Span<int> index = stackalloc int[w];
        Span<long> strides = stackalloc long[3 * w];
        Span<long> offsets = stackalloc long[3];
        var layout = new BroadcastLayout(y.Shape, c.Shape, a.Shape, b.Shape, 3, dims, strides, index, offsets);
        int inner = layout.Inner;
        int dc = (int)layout.InnerStride(0), da = (int)layout.InnerStride(1), db = (int)layout.InnerStride(2);
        for (long r = 0, outer = layout.Outer; r < outer; r++, layout.Next())
        {
            int oc = (int)layout.Offset(0), oa = (int)layout.Offset(1), ob = (int)layout.Offset(2);
            var dst = sy.Slice((int)(r * inner), inner);
            if (dc == 1)
                Select(cs.Slice(oc, inner), da == 1 ? sa.Slice(oa, inner) : sa.Slice(oa, 1), db == 1 ? sb.Slice(ob, inner) : sb.Slice(ob, 1), dst, width);
            else
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = cs[oc + i * dc] != 0 ? sa[oa + i * da] : sb[ob + i * db];
        }
    }

    // a and b hold dst.Length elements or one (broadcast).
    private static void Select<T>(ReadOnlySpan<byte> c, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst, SimdWidth width) where T : unmanaged
    {
        if (typeof(T) == typeof(uint) && width != SimdWidth.Scalar)
        {
            Select32.Apply(c, MemoryMarshal.Cast<T, uint>(a), MemoryMarshal.Cast<T, uint>(b), MemoryMarshal.Cast<T, uint>(dst), width);
            return;
        }
        bool av = a.Length == dst.Length, bv = b.Length == dst.Length;
        for (int i = 0; i < dst.Length; i++)
            dst[i] = c[i] != 0 ? a[av ? i : 0] : b[bv ? i : 0];
    }
}
