using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// Element conversions of ONNX Cast between f32, f64, the eight integer types and bool, plus rounding
/// through f16/bf16 (whose values stay f32 inside the graph).
/// <list type="bullet">
/// <item>Integer → integer keeps the low bits (two's complement wrap). Anything → float rounds to nearest even.</item>
/// <item>Float → integer truncates toward zero. NaN and out-of-range values behave as ONNX Runtime built
/// with GCC/Clang on x64, where the cast is CVTTSS2SI/CVTTSD2SI: i32 and i64 get the "integer indefinite"
/// MinValue; i8/u8/i16/u16 convert through i32 and keep the low bits (300.0 → u8 44, NaN → 0); u32 (u64)
/// converts through i32 (i64) below 2^31 (2^63) and by subtracting 2^31 (2^63) and restoring the top bit
/// above, so negative values wrap (−1.0 → 4294967295) and NaN, −∞ and values below the signed range give
/// 2^31 (2^63), +∞ and values past the unsigned range give 0. Checked against ONNX Runtime 1.31 on x64.</item>
/// <item>Float → bool is x ≠ 0 (NaN is true); bool → number is 0 or 1.</item>
/// <item>To f16: rounded to nearest even through Half (overflow → ±∞). To bf16: rounded to nearest even on
/// the upper 16 bits of the f32 value, NaN kept; an f64 source is first rounded to f32.</item>
/// </list>
/// </summary>
internal static class CastConversion
{
    private const double TwoPow31 = 2147483648.0;
    private const double TwoPow63 = 9223372036854775808.0;

    /// <summary>True for the source types Cast reads (compute types: f16/bf16 arrive as f32).</summary>
    public static bool IsSource(DataType t) => TypeDispatch.IsNumeric(t) || t == DataType.Bool;

    /// <summary>True for the declared target types Cast writes.</summary>
    public static bool IsTarget(DataType t) => IsSource(t) || t is DataType.Float16 or DataType.BFloat16;

    /// <summary>Converts <paramref name="x"/> into <paramref name="y"/> (whose compute type matches <paramref name="to"/>).</summary>
    public static void Convert(TensorValue x, TensorValue y, DataType to)
    {
        switch (x.Type)
        {
            case DataType.Float32: From(x.Span<float>(), y, to); break;
            case DataType.Float64: From(x.Span<double>(), y, to); break;
            case DataType.Int8: From(x.Span<sbyte>(), y, to); break;
            case DataType.UInt8: From(x.Span<byte>(), y, to); break;
            case DataType.Int16: From(x.Span<short>(), y, to); break;
            case DataType.UInt16: From(x.Span<ushort>(), y, to); break;
            case DataType.Int32: From(x.Span<int>(), y, to); break;
            case DataType.UInt32: From(x.Span<uint>(), y, to); break;
            case DataType.Int64: From(x.Span<long>(), y, to); break;
            case DataType.UInt64: From(x.Span<ulong>(), y, to); break;
            case DataType.Bool: FromBool(x.Span<byte>(), y, to); break;
            default: throw new MoteNotSupportedException($"Cast from {x.Type.ShortName()} is not supported");
        }
    }

    private static void From<TS>(ReadOnlySpan<TS> x, TensorValue y, DataType to) where TS : unmanaged, INumber<TS>
    {
        switch (to)
        {
            case DataType.Float32: ToFloat(x, y.Span<float>()); break;
            case DataType.Float64: ToFloat(x, y.Span<double>()); break;
            case DataType.Float16: ToHalfPrecision(x, y.Span<float>()); break;
            case DataType.BFloat16: ToBFloat16Precision(x, y.Span<float>()); break;
            case DataType.Int8: ToInteger(x, y.Span<sbyte>()); break;
            case DataType.UInt8: ToInteger(x, y.Span<byte>()); break;
            case DataType.Int16: ToInteger(x, y.Span<short>()); break;
            case DataType.UInt16: ToInteger(x, y.Span<ushort>()); break;
            case DataType.Int32: ToInteger(x, y.Span<int>()); break;
            case DataType.UInt32: ToInteger(x, y.Span<uint>()); break;
            case DataType.Int64: ToInteger(x, y.Span<long>()); break;
            case DataType.UInt64: ToInteger(x, y.Span<ulong>()); break;
            case DataType.Bool:
                var b = y.Span<byte>();
                for (int i = 0; i < x.Length; i++)
                    b[i] = TS.IsZero(x[i]) ? (byte)0 : (byte)1;
                break;
            default: throw new MoteNotSupportedException($"Cast to {to.ShortName()} is not supported");
        }
    }

    private static void FromBool(ReadOnlySpan<byte> x, TensorValue y, DataType to)
    {
        if (to == DataType.Bool)
        {
            for (int i = 0; i < x.Length; i++)
                y.Span<byte>()[i] = x[i] != 0 ? (byte)1 : (byte)0;
            return;
        }
        // Normalize to 0/1 bytes in chunks, then convert as u8.
        Span<byte> chunk = stackalloc byte[256];
        int elementSize = y.Type.Size();
        var bytes = y.Bytes;
        for (int start = 0; start < x.Length; start += chunk.Length)
        {
            int n = Math.Min(chunk.Length, x.Length - start);
            for (int i = 0; i < n; i++)
                chunk[i] = x[start + i] != 0 ? (byte)1 : (byte)0;
            var part = new TensorValueSlice(y.Type, bytes.Slice(start * elementSize, n * elementSize));
            part.From(chunk[..n], to);
        }
    }

    /// <summary>A window of an output, for converting chunk by chunk.</summary>
    private readonly ref struct TensorValueSlice(DataType type, Span<byte> bytes)
    {
        private readonly Span<byte> _bytes = bytes;

        public void From(ReadOnlySpan<byte> x, DataType to)
        {
            switch (type)
            {
                case DataType.Float32: ToFloat(x, MemoryMarshal.Cast<byte, float>(_bytes)); break;
                case DataType.Float64: ToFloat(x, MemoryMarshal.Cast<byte, double>(_bytes)); break;
                case DataType.Int8: ToInteger(x, MemoryMarshal.Cast<byte, sbyte>(_bytes)); break;
                case DataType.UInt8: ToInteger(x, _bytes); break;
                case DataType.Int16: ToInteger(x, MemoryMarshal.Cast<byte, short>(_bytes)); break;
                case DataType.UInt16: ToInteger(x, MemoryMarshal.Cast<byte, ushort>(_bytes)); break;
                case DataType.Int32: ToInteger(x, MemoryMarshal.Cast<byte, int>(_bytes)); break;
                case DataType.UInt32: ToInteger(x, MemoryMarshal.Cast<byte, uint>(_bytes)); break;
                case DataType.Int64: ToInteger(x, MemoryMarshal.Cast<byte, long>(_bytes)); break;
                case DataType.UInt64: ToInteger(x, MemoryMarshal.Cast<byte, ulong>(_bytes)); break;
                default: throw new MoteNotSupportedException($"Cast to {to.ShortName()} is not supported");
            }
        }
    }

    private static void ToFloat<TS, TD>(ReadOnlySpan<TS> x, Span<TD> y) where TS : unmanaged, INumber<TS> where TD : unmanaged, IFloatingPoint<TD>
    {
        if (typeof(TS) == typeof(TD))
        {
            MemoryMarshal.AsBytes(x).CopyTo(MemoryMarshal.AsBytes(y));
            return;
        }
        for (int i = 0; i < x.Length; i++)
            y[i] = TD.CreateTruncating(x[i]);
    }

    private static void ToInteger<TS, TD>(ReadOnlySpan<TS> x, Span<TD> y) where TS : unmanaged, INumber<TS> where TD : unmanaged, IBinaryInteger<TD>
    {
        if (typeof(TS) == typeof(float) || typeof(TS) == typeof(double))
        {
            for (int i = 0; i < x.Length; i++)
                y[i] = FloatToInteger<TD>(double.CreateTruncating(x[i]));
            return;
        }
        for (int i = 0; i < x.Length; i++)
            y[i] = TD.CreateTruncating(x[i]);
    }

    /// <summary>x64 CVTT* semantics, see the class remarks.</summary>
    public static TD FloatToInteger<TD>(double v) where TD : IBinaryInteger<TD>
    {
        if (typeof(TD) == typeof(long))
            return TD.CreateTruncating(TruncateToInt64(v));
        if (typeof(TD) == typeof(ulong))
            return TD.CreateTruncating(v >= TwoPow63 ? (ulong)TruncateToInt64(v - TwoPow63) ^ 0x8000_0000_0000_0000UL : (ulong)TruncateToInt64(v));
        if (typeof(TD) == typeof(uint))
            return TD.CreateTruncating(v >= TwoPow31 ? (uint)TruncateToInt32(v - TwoPow31) ^ 0x8000_0000u : (uint)TruncateToInt32(v));
        return TD.CreateTruncating(TruncateToInt32(v));
    }

    private static int TruncateToInt32(double v) => v > -2147483649.0 && v < 2147483648.0 ? (int)v : int.MinValue;

    private static long TruncateToInt64(double v) => v >= -TwoPow63 && v < TwoPow63 ? (long)v : long.MinValue;

    private static void ToHalfPrecision<TS>(ReadOnlySpan<TS> x, Span<float> y) where TS : unmanaged, INumber<TS>
    {
        if (typeof(TS) == typeof(float))
        {
            var xf = MemoryMarshal.Cast<TS, float>(x);
            Span<Half> chunk = stackalloc Half[256];
            for (int start = 0; start < xf.Length; start += chunk.Length)
            {
                int n = Math.Min(chunk.Length, xf.Length - start);
                TensorPrimitives.ConvertToHalf(xf.Slice(start, n), chunk[..n]);
                TensorPrimitives.ConvertToSingle(chunk[..n], y.Slice(start, n));
            }
            return;
        }
        for (int i = 0; i < x.Length; i++)
            y[i] = (float)(typeof(TS) == typeof(double) ? (Half)double.CreateTruncating(x[i]) : (Half)float.CreateTruncating(x[i]));
    }

    private static void ToBFloat16Precision<TS>(ReadOnlySpan<TS> x, Span<float> y) where TS : unmanaged, INumber<TS>
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = RoundToBFloat16(float.CreateTruncating(x[i]));
    }

    /// <summary>f32 rounded to the nearest bf16 (ties to even), as f32; NaN stays NaN.</summary>
    public static float RoundToBFloat16(float f)
    {
        if (float.IsNaN(f))
            return f;
        uint b = BitConverter.SingleToUInt32Bits(f);
        b = (b + 0x7FFF + ((b >> 16) & 1)) & 0xFFFF0000u;
        return BitConverter.UInt32BitsToSingle(b);
    }
}
