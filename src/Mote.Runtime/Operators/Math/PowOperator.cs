using System.Numerics;
using System.Numerics.Tensors;
using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;

// Not "Operators.Math": a namespace named Math would hide System.Math from every Operators.* namespace.
namespace Mote.Runtime.Operators.Mathematics;

/// <summary>
/// ONNX Pow (opset 15) with broadcasting: the base is f32, f64, i32 or i64, the exponent any numeric
/// type; the output has the base's type. A one-element exponent of 1, 2, 3 or 0.5 with a float base
/// takes a vectorized fast path (x, x·x, x·x·x, √x with pow's signed-zero and −∞ rules). Float bases
/// follow C pow (f32^f32 as powf, other float combinations in double, rounded); integer^integer is
/// exact with wrap-around, and a negative integer exponent gives 0 except for bases ±1 (the
/// truncation of the real result); integer^float truncates the double result (saturating).
/// </summary>
internal sealed class PowOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(t is DataType.Float32 or DataType.Float64 or DataType.Int32 or DataType.Int64, Node.Op, t);
        var e = ctx.InputType(1);
        if (!TypeDispatch.IsNumeric(e))
            throw new MoteNotSupportedException($"Pow exponent of type {e.ShortName()} is not supported");
        ctx.SetOutput(0, t, ShapeMath.Broadcast(ctx.InputShape(0), ctx.InputShape(1), "Pow"));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var e = ctx.Input(1);
        var y = ctx.Output(0);
        if (x.Type == DataType.Float32 && e.Count == 1 && x.Count == y.Count && FastPath(x.Span<float>(), ToDouble(e), y.Span<float>()))
            return;
        if (x.Type == DataType.Float64 && e.Count == 1 && x.Count == y.Count && FastPath(x.Span<double>(), ToDouble(e), y.Span<double>()))
            return;
        var v = new BaseVisitor(x, e, y);
        switch (x.Type)
        {
            case DataType.Float32: v.Visit<float>(); break;
            case DataType.Float64: v.Visit<double>(); break;
            case DataType.Int32: v.Visit<int>(); break;
            default: v.Visit<long>(); break;
        }
    }

    private static bool FastPath<T>(ReadOnlySpan<T> x, double p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (p)
        {
            case 1:
                x.CopyTo(y);
                return true;
            case 2:
                TensorPrimitives.Multiply(x, x, y);
                return true;
            case 3:
                TensorPrimitives.Multiply(x, x, y);
                TensorPrimitives.Multiply(y, x, y);
                return true;
            case 0.5:
                TensorPrimitives.Sqrt(x, y);
                // pow(−0, 0.5) = +0 and pow(−∞, 0.5) = +∞, where sqrt gives −0 and NaN.
                for (int i = 0; i < y.Length; i++)
                    if (T.IsZero(y[i]) || T.IsNegativeInfinity(x[i]))
                        y[i] = T.Abs(x[i]);
                return true;
            default:
                return false;
        }
    }

    private static double ToDouble(TensorValue v) => v.Type switch
    {
        DataType.Float32 => v.Span<float>()[0],
        DataType.Float64 => v.Span<double>()[0],
        DataType.Int8 => v.Span<sbyte>()[0],
        DataType.UInt8 => v.Span<byte>()[0],
        DataType.Int16 => v.Span<short>()[0],
        DataType.UInt16 => v.Span<ushort>()[0],
        DataType.Int32 => v.Span<int>()[0],
        DataType.UInt32 => v.Span<uint>()[0],
        DataType.Int64 => v.Span<long>()[0],
        _ => v.Span<ulong>()[0],
    };

    private readonly struct BaseVisitor(TensorValue x, TensorValue e, TensorValue y)
    {
        public void Visit<TB>() where TB : unmanaged, INumber<TB>
        {
            switch (e.Type)
            {
                case DataType.Float32: Run<TB, float>(); break;
                case DataType.Float64: Run<TB, double>(); break;
                case DataType.Int8: Run<TB, sbyte>(); break;
                case DataType.UInt8: Run<TB, byte>(); break;
                case DataType.Int16: Run<TB, short>(); break;
                case DataType.UInt16: Run<TB, ushort>(); break;
                case DataType.Int32: Run<TB, int>(); break;
                case DataType.UInt32: Run<TB, uint>(); break;
                case DataType.Int64: Run<TB, long>(); break;
                default: Run<TB, ulong>(); break;
            }
        }

        private void Run<TB, TE>() where TB : unmanaged, INumber<TB> where TE : unmanaged, INumber<TE> =>
            BinaryBroadcast.Run<TB, TE, TB, ScalarRuns<TB, TE, TB, PowFunction<TB, TE>>>(default, x, e, y);
    }
}

/// <summary>One element of Pow for a base type and an exponent type.</summary>
internal readonly struct PowFunction<TB, TE> : IBinaryFunction<TB, TE, TB> where TB : unmanaged, INumber<TB> where TE : unmanaged, INumber<TE>
{
    public TB Invoke(TB x, TE p)
    {
        if (typeof(TB) == typeof(float) && typeof(TE) == typeof(float))
            return TB.CreateTruncating(MathF.Pow(float.CreateTruncating(x), float.CreateTruncating(p)));
        if (typeof(TB) == typeof(float) || typeof(TB) == typeof(double))
            return TB.CreateTruncating(Math.Pow(double.CreateTruncating(x), double.CreateTruncating(p)));
        if (typeof(TE) == typeof(float) || typeof(TE) == typeof(double))
            return TB.CreateSaturating(Math.Truncate(Math.Pow(double.CreateTruncating(x), double.CreateTruncating(p))));
        return IntegerPower(x, p);
    }

    // Exact x^p modulo 2^bits by repeated squaring.
    private static TB IntegerPower(TB x, TE p)
    {
        if (TE.IsNegative(p))
        {
            if (x == TB.One)
                return TB.One;
            if (x == TB.Zero - TB.One)
                return TE.IsEvenInteger(p) ? TB.One : x;
            return TB.Zero;
        }
        ulong n = ulong.CreateTruncating(p);
        TB result = TB.One, b = x;
        while (n != 0)
        {
            if ((n & 1) != 0)
                result *= b;
            b *= b;
            n >>= 1;
        }
        return result;
    }
}
