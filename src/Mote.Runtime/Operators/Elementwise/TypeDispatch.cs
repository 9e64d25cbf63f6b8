using System.Numerics;
using Mote.Format;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>A computation generic over a numeric element type, run by <see cref="TypeDispatch"/> for a runtime type.</summary>
internal interface INumericVisitor
{
    void Visit<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>;
}

/// <summary>A computation generic over an integer element type.</summary>
internal interface IIntegerVisitor
{
    void Visit<T>() where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>;
}

/// <summary>
/// Element type groups and the switch from a runtime <see cref="DataType"/> to a generic
/// instantiation, written once here instead of in every operator.
/// </summary>
internal static class TypeDispatch
{
    /// <summary>f32 and f64 (16-bit floats compute as f32 inside the graph).</summary>
    public static bool IsFloat(DataType t) => t is DataType.Float32 or DataType.Float64;

    /// <summary>The eight integer types.</summary>
    public static bool IsInteger(DataType t) => t is DataType.Int8 or DataType.UInt8 or DataType.Int16 or DataType.UInt16
        or DataType.Int32 or DataType.UInt32 or DataType.Int64 or DataType.UInt64;

    /// <summary>Signed integers.</summary>
    public static bool IsSignedInteger(DataType t) => t is DataType.Int8 or DataType.Int16 or DataType.Int32 or DataType.Int64;

    /// <summary>Unsigned integers.</summary>
    public static bool IsUnsignedInteger(DataType t) => t is DataType.UInt8 or DataType.UInt16 or DataType.UInt32 or DataType.UInt64;

    /// <summary>Floats and integers.</summary>
    public static bool IsNumeric(DataType t) => IsFloat(t) || IsInteger(t);

    /// <summary>Runs <paramref name="visitor"/> for numeric type <paramref name="t"/>.</summary>
    /// <exception cref="MoteNotSupportedException"><paramref name="t"/> is not numeric.</exception>
    public static void Numeric<TV>(DataType t, ref TV visitor, OpType op) where TV : struct, INumericVisitor, allows ref struct
    {
        switch (t)
        {
            case DataType.Float32: visitor.Visit<float>(); break;
            case DataType.Float64: visitor.Visit<double>(); break;
            case DataType.Int8: visitor.Visit<sbyte>(); break;
            case DataType.UInt8: visitor.Visit<byte>(); break;
            case DataType.Int16: visitor.Visit<short>(); break;
            case DataType.UInt16: visitor.Visit<ushort>(); break;
            case DataType.Int32: visitor.Visit<int>(); break;
            case DataType.UInt32: visitor.Visit<uint>(); break;
            case DataType.Int64: visitor.Visit<long>(); break;
            case DataType.UInt64: visitor.Visit<ulong>(); break;
            default: throw Unsupported(op, t);
        }
    }

    /// <summary>Runs <paramref name="visitor"/> for integer type <paramref name="t"/>.</summary>
    /// <exception cref="MoteNotSupportedException"><paramref name="t"/> is not an integer type.</exception>
    public static void Integer<TV>(DataType t, ref TV visitor, OpType op) where TV : struct, IIntegerVisitor, allows ref struct
    {
        switch (t)
        {
            case DataType.Int8: visitor.Visit<sbyte>(); break;
            case DataType.UInt8: visitor.Visit<byte>(); break;
            case DataType.Int16: visitor.Visit<short>(); break;
            case DataType.UInt16: visitor.Visit<ushort>(); break;
            case DataType.Int32: visitor.Visit<int>(); break;
            case DataType.UInt32: visitor.Visit<uint>(); break;
            case DataType.Int64: visitor.Visit<long>(); break;
            case DataType.UInt64: visitor.Visit<ulong>(); break;
            default: throw Unsupported(op, t);
        }
    }

    /// <summary>The error for an operator applied to a type it does not define.</summary>
    public static MoteNotSupportedException Unsupported(OpType op, DataType t) => new($"{op} is not implemented for {t.ShortName()}");

    /// <summary>Throws unless <paramref name="ok"/>, naming the operator and type.</summary>
    public static void Require(bool ok, OpType op, DataType t)
    {
        if (!ok)
            throw Unsupported(op, t);
    }

    /// <summary>Throws a shape error unless inputs <paramref name="i"/> and <paramref name="j"/> have the same type.</summary>
    public static DataType SameType(ShapeContext ctx, int i, int j)
    {
        var t = ctx.InputType(i);
        if (ctx.InputType(j) != t)
            throw new MoteShapeException($"inputs {i} and {j} must have the same type, got {t.ShortName()} and {ctx.InputType(j).ShortName()}");
        return t;
    }
}
