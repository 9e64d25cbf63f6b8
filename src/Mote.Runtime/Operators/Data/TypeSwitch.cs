using System.Numerics;
using Mote.Format;

namespace Mote.Runtime.Operators.Data;

/// <summary>Code generic over a numeric element type, run for the <see cref="DataType"/> of a tensor.</summary>
internal interface INumericAction
{
    void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>;
}

/// <summary>Maps a runtime element type to a generic instantiation.</summary>
internal static class TypeSwitch
{
    /// <summary>Runs <paramref name="action"/> for the .NET type of <paramref name="type"/>; throws for non-numeric types.</summary>
    public static void Numeric<TAction>(DataType type, ref TAction action, string what) where TAction : INumericAction, allows ref struct
    {
        switch (type)
        {
            case DataType.Float32: action.Run<float>(); break;
            case DataType.Float64: action.Run<double>(); break;
            case DataType.Int8: action.Run<sbyte>(); break;
            case DataType.UInt8: action.Run<byte>(); break;
            case DataType.Int16: action.Run<short>(); break;
            case DataType.UInt16: action.Run<ushort>(); break;
            case DataType.Int32: action.Run<int>(); break;
            case DataType.UInt32: action.Run<uint>(); break;
            case DataType.Int64: action.Run<long>(); break;
            case DataType.UInt64: action.Run<ulong>(); break;
            default: throw new MoteNotSupportedException($"{what} is not defined for {type.ShortName()}");
        }
    }

    /// <summary>True for the types <see cref="Numeric"/> accepts.</summary>
    public static bool IsNumeric(DataType type) => type is DataType.Float32 or DataType.Float64 or DataType.Int8 or DataType.UInt8
        or DataType.Int16 or DataType.UInt16 or DataType.Int32 or DataType.UInt32 or DataType.Int64 or DataType.UInt64;
}
