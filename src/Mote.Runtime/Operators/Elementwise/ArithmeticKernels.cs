using System.Numerics;
using System.Numerics.Tensors;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>ONNX Add.</summary>
internal readonly struct AddKernel : IBinaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Add(a, b, d);

    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Add(a, b, d);

    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Add(b, a, d);
}

/// <summary>ONNX Sub.</summary>
internal readonly struct SubKernel : IBinaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(a, b, d);

    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(a, b, d);

    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(a, b, d);
}

/// <summary>ONNX Mul.</summary>
internal readonly struct MulKernel : IBinaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(a, b, d);

    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(a, b, d);

    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(b, a, d);
}

/// <summary>ONNX Div. Integer division truncates toward zero; an integer division by zero yields 0 instead of faulting.</summary>
internal readonly struct DivKernel : IBinaryKernel
{
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T>
    {
        if (IsFloat<T>())
        {
            TensorPrimitives.Divide(a, b, d);
            return;
        }
        for (int i = 0; i < d.Length; i++)
            d[i] = SafeDivide(a[i], b[i]);
    }

    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, INumber<T>
    {
        if (IsFloat<T>() || !T.IsZero(b))
        {
            TensorPrimitives.Divide(a, b, d);
            return;
        }
        d.Clear();
    }

    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T>
    {
        if (IsFloat<T>())
        {
            TensorPrimitives.Divide(a, b, d);
            return;
        }
        for (int i = 0; i < d.Length; i++)
            d[i] = SafeDivide(a, b[i]);
    }

    private static bool IsFloat<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    private static T SafeDivide<T>(T a, T b) where T : INumber<T>
    {
        if (T.IsZero(b))
            return T.Zero;
        // MinValue / -1 overflows in two's complement; the wrapped result is what C would give.
        if (T.IsNegative(b) && b == -T.One && T.IsNegative(a))
            return T.Zero - a;
        return a / b;
    }
}
