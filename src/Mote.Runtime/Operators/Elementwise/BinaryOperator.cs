using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// The arithmetic of one binary operator over contiguous runs, for every numeric element type:
/// vector ⊕ vector, vector ⊕ scalar, scalar ⊕ vector. Implementations call TensorPrimitives where it
/// is already vectorized.
/// </summary>
internal interface IBinaryKernel
{
    static abstract void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T>;

    static abstract void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, INumber<T>;

    static abstract void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T>;
}

/// <summary>A numeric binary operator with NumPy broadcasting; output type equals the input type.</summary>
internal sealed class BinaryOperator<TKernel>(NodeDef node) : Operator(node) where TKernel : IBinaryKernel
{
    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        if (ctx.InputType(1) != t)
            throw new MoteShapeException($"inputs have different types {t.ShortName()} and {ctx.InputType(1).ShortName()}");
        if (!Numeric.IsNumeric(t))
            throw new MoteNotSupportedException($"{Node.Op} is not defined for {t.ShortName()}");
        ctx.SetOutput(0, t, ShapeMath.Broadcast(ctx.InputShape(0), ctx.InputShape(1), Node.Op.ToString()));
    }

    public override void Execute(in NodeContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        var y = ctx.Output(0);
        switch (y.Type)
        {
            case DataType.Float32: Run<float>(a, b, y); break;
            case DataType.Float64: Run<double>(a, b, y); break;
            case DataType.Int32: Run<int>(a, b, y); break;
            case DataType.Int64: Run<long>(a, b, y); break;
            case DataType.Int8: Run<sbyte>(a, b, y); break;
            case DataType.UInt8: Run<byte>(a, b, y); break;
            case DataType.Int16: Run<short>(a, b, y); break;
            case DataType.UInt16: Run<ushort>(a, b, y); break;
            case DataType.UInt32: Run<uint>(a, b, y); break;
            case DataType.UInt64: Run<ulong>(a, b, y); break;
            default: throw new MoteNotSupportedException($"{Node.Op} is not defined for {y.Type.ShortName()}");
        }
    }

    private static void Run<T>(TensorValue a, TensorValue b, TensorValue y) where T : unmanaged, INumber<T>
    {
        var sa = a.Span<T>();
        var sb = b.Span<T>();
        var sy = y.Span<T>();
        if (sa.Length == sy.Length && sb.Length == sy.Length)
        {
            TKernel.Apply(sa, sb, sy);
            return;
        }
        if (sb.Length == 1 && sa.Length == sy.Length)
        {
            TKernel.Apply(sa, sb[0], sy);
            return;
        }
        if (sa.Length == 1 && sb.Length == sy.Length)
        {
            TKernel.Apply(sa[0], sb, sy);
            return;
        }
        var layout = BroadcastLayout.Create(y.Shape, a.Shape, b.Shape);
        int inner = layout.Inner;
        long sai = layout.Strides[0][^1], sbi = layout.Strides[1][^1];
        Span<long> off = stackalloc long[2];
        long outer = layout.Outer;
        for (long r = 0; r < outer; r++)
        {
            layout.RunOffsets(r, off);
            var dst = sy.Slice((int)(r * inner), inner);
            if (sai == 1 && sbi == 1)
                TKernel.Apply(sa.Slice((int)off[0], inner), sb.Slice((int)off[1], inner), dst);
            else if (sai == 1)
                TKernel.Apply(sa.Slice((int)off[0], inner), sb[(int)off[1]], dst);
            else if (sbi == 1)
                TKernel.Apply(sa[(int)off[0]], sb.Slice((int)off[1], inner), dst);
            else
                dst.Fill(Scalar(sa[(int)off[0]], sb[(int)off[1]]));
        }
    }

    private static T Scalar<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        Span<T> r = stackalloc T[1];
        TKernel.Apply(a, [b], r);
        return r[0];
    }
}

/// <summary>Element type groups.</summary>
internal static class Numeric
{
    public static bool IsNumeric(DataType t) => t is DataType.Float32 or DataType.Float64 or DataType.Int8 or DataType.UInt8
        or DataType.Int16 or DataType.UInt16 or DataType.Int32 or DataType.UInt32 or DataType.Int64 or DataType.UInt64;
}
