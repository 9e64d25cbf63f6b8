using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Mote.Format;
using Mote.Runtime;

namespace Mote.Cli.Npy;

/// <summary>Reads and writes NumPy <c>.npy</c> files (format 1.0 written; 1.0–3.0 read; C order, little-endian).</summary>
public static partial class NpyFile
{
    // 0x93 then "NUMPY"; not a u8 string literal, which would UTF-8-encode U+0093 as two bytes.
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes <paramref name="tensor"/> as an .npy file (format 1.0).</summary>
    public static void Write(string path, Tensor tensor)
    {
        using var fs = File.Create(path);
        Write(fs, tensor);
    }

    /// <summary>Writes <paramref name="tensor"/> in .npy format 1.0.</summary>
    public static void Write(Stream output, Tensor tensor)
    {
        var descr = DataTypeInfo.Of(tensor.Type).NumpyDescr;
        var shape = tensor.Shape.ToArray();
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        // Header length so that magic + 2 + 2 + header is a multiple of 64, ending in '\n'.
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        var header = dict + new string(' ', pad) + "\n";
        if (header.Length > ushort.MaxValue)
            throw new InvalidOperationException("tensor rank too large for .npy format 1.0");
        Span<byte> prefix = stackalloc byte[10];
        Magic.CopyTo(prefix);
        prefix[6] = 1;
        prefix[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(prefix[8..], (ushort)header.Length);
        output.Write(prefix);
        output.Write(Encoding.ASCII.GetBytes(header));
        output.Write(tensor.Memory.Span);
    }

    /// <summary>Reads an .npy file into a tensor.</summary>
    /// <exception cref="NpyFormatException">The file is not a supported .npy array; the message says why.</exception>
    public static Tensor Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Parse(bytes);
        }
        catch (NpyFormatException e)
        {
            throw new NpyFormatException($"{path}: {e.Message}");
        }
    }

    /// <summary>Parses .npy bytes.</summary>
    /// <exception cref="NpyFormatException">Not a supported .npy array.</exception>
    public static Tensor Parse(byte[] bytes)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new NpyFormatException("not a .npy file (bad magic)");
        int major = bytes[6];
        int headerLength, headerStart;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            headerStart = 10;
        }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12)
                throw new NpyFormatException("truncated header");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
            if (len > int.MaxValue)
                throw new NpyFormatException("header length out of range");
            headerLength = (int)len;
            headerStart = 12;
        }
        else
            throw new NpyFormatException($"unsupported .npy format version {major}");
        if ((long)headerStart + headerLength > bytes.Length)
            throw new NpyFormatException("truncated header");
        var header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
            throw new NpyFormatException("header lacks descr, fortran_order or shape");
        if (fortran.Groups[1].Value == "True")
            throw new NpyFormatException("Fortran-order arrays are not supported; save with C order");
        var type = TypeFromDescr(descr.Groups[1].Value);
        var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out int d) ? d : throw new NpyFormatException($"bad dimension '{s}'"))
            .ToArray();
        long count = 1;
        foreach (var d in shape)
            count = checked(count * d);
        long need = count * type.Size();
        long available = bytes.Length - headerStart - headerLength;
        if (available != need)
            throw new NpyFormatException($"shape ({string.Join(",", shape)}) of {type.ShortName()} needs {need} data bytes, file has {available}");
        var data = bytes.AsMemory(headerStart + headerLength, (int)need);
        return Tensor.FromBytes(type, data, shape);
    }

    private static DataType TypeFromDescr(string descr)
    {
        // Accept native '=' and little-endian '<' or byte-order-free '|' markers.
        if (descr.Length < 2 || descr[0] == '>')
            throw new NpyFormatException($"unsupported dtype '{descr}' (big-endian or unknown)");
        var normalized = descr[1..] switch
        {
            "f4" => DataType.Float32,
            "f2" => DataType.Float16,
            "f8" => DataType.Float64,
            "i1" => DataType.Int8,
            "u1" => DataType.UInt8,
            "i2" => DataType.Int16,
            "u2" => DataType.UInt16,
            "i4" => DataType.Int32,
            "u4" => DataType.UInt32,
            "i8" => DataType.Int64,
            "u8" => DataType.UInt64,
            "b1" => DataType.Bool,
            _ => throw new NpyFormatException($"unsupported dtype '{descr}'"),
        };
        return normalized;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}

/// <summary>An .npy file is malformed or uses a layout Mote does not read.</summary>
public sealed class NpyFormatException(string message) : MoteException(message);
