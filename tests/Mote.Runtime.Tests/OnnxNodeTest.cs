using System.Runtime.InteropServices;
using System.Text;
using Mote.Format;

namespace Mote.Runtime.Tests;

/// <summary>
/// Reads an ONNX backend node test (model.onnx with one node, test_data_set_0/input_K.pb and
/// output_K.pb TensorProtos) with a minimal protobuf decoder: just the fields these tests use.
/// </summary>
internal sealed class OnnxNodeTest
{
    public required string Name { get; init; }

    public required NodeDef Node { get; init; }

    public required string[] InputNames { get; init; }

    public required Tensor[] Inputs { get; init; }

    public required Tensor[] Outputs { get; init; }

    /// <summary>/work/shared/onnx-node-tests, found by walking up to the directory holding Mote.slnx.</summary>
    public static string? Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mote.slnx")))
            {
                var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "onnx-node-tests"));
                return Directory.Exists(path) ? path : null;
            }
        return null;
    }

    public static OnnxNodeTest Load(string name)
    {
        var dir = Path.Combine(Root() ?? throw new DirectoryNotFoundException("onnx-node-tests not found"), name);
        var model = File.ReadAllBytes(Path.Combine(dir, "model.onnx"));
        NodeDef? node = null;
        var inputs = new List<string>();
        var initializers = new HashSet<string>();
        foreach (var (f, _, graph) in Fields(model))
        {
            if (f != 7)
                continue;
            foreach (var (g, _, v) in Fields(graph))
            {
                if (g == 1)
                    node = ReadNode(v);
                else if (g == 5)
                    initializers.Add(ReadTensor(v).Name);
                else if (g == 11)
                    inputs.Add(Str(Fields(v).First(x => x.Field == 1).Bytes));
            }
        }
        var data = Path.Combine(dir, "test_data_set_0");
        var names = inputs.Where(n => !initializers.Contains(n)).ToArray();
        return new OnnxNodeTest
        {
            Name = name,
            Node = node ?? throw new InvalidDataException("no node"),
            InputNames = names,
            Inputs = names.Select((_, i) => ReadTensor(File.ReadAllBytes(Path.Combine(data, $"input_{i}.pb"))).Value).ToArray(),
            Outputs = Enumerable.Range(0, node.Outputs.Count).Select(i => Path.Combine(data, $"output_{i}.pb"))
                .Where(File.Exists).Select(p => ReadTensor(File.ReadAllBytes(p)).Value).ToArray(),
        };
    }

    private static NodeDef ReadNode(ReadOnlyMemory<byte> b)
    {
        var ins = new List<string>();
        var outs = new List<string>();
        var attrs = new List<AttributeDef>();
        string op = "", name = "";
        foreach (var (f, _, v) in Fields(b))
            switch (f)
            {
                case 1: ins.Add(Str(v)); break;
                case 2: outs.Add(Str(v)); break;
                case 3: name = Str(v); break;
                case 4: op = Str(v); break;
                case 5: attrs.Add(Attribute(v)); break;
            }
        return new NodeDef(Enum.Parse<OpType>(op), name.Length > 0 ? name : "node", ins, outs, attrs);
    }

    private static AttributeDef Attribute(ReadOnlyMemory<byte> b)
    {
        string name = "";
        long? i = null;
        float? fl = null;
        string? s = null;
        TensorDef? t = null;
        var ints = new List<long>();
        var floats = new List<float>();
        long type = 0;
        foreach (var (f, w, v) in Fields(b))
            switch (f)
            {
                case 1: name = Str(v); break;
                case 2: fl = BitConverter.ToSingle(v.Span); break;
                case 3: i = Varint(v); break;
                case 4: s = Str(v); break;
                case 5: t = ReadTensor(v).Def; break;
                case 7: floats.AddRange(w == 2 ? MemoryMarshal.Cast<byte, float>(v.Span).ToArray() : [BitConverter.ToSingle(v.Span)]); break;
                case 8: ints.AddRange(w == 2 ? Varints(v) : [Varint(v)]); break;
                case 20: type = Varint(v); break;
            }
        return type switch
        {
            1 => AttributeDef.FromFloat(name, fl ?? 0),
            2 => AttributeDef.FromInt(name, i ?? 0),
            3 => AttributeDef.FromString(name, s ?? ""),
            4 => AttributeDef.FromTensor(name, t!),
            6 => AttributeDef.FromFloats(name, [.. floats]),
            7 => AttributeDef.FromInts(name, [.. ints]),
            _ => throw new NotSupportedException($"attribute {name} of type {type}"),
        };
    }

    private static (string Name, Tensor Value, TensorDef Def) ReadTensor(ReadOnlyMemory<byte> b)
    {
        var dims = new List<long>();
        var type = DataType.Undefined;
        string name = "";
        byte[]? raw = null;
        var floats = new List<float>();
        var doubles = new List<double>();
        var longs = new List<long>();
        var ints = new List<long>();
        foreach (var (f, w, v) in Fields(b))
            switch (f)
            {
                case 1: dims.AddRange(w == 2 ? Varints(v) : [Varint(v)]); break;
                case 2: type = (DataType)Varint(v); break;
                case 4: floats.AddRange(w == 2 ? MemoryMarshal.Cast<byte, float>(v.Span).ToArray() : [BitConverter.ToSingle(v.Span)]); break;
                case 5: ints.AddRange(w == 2 ? Varints(v) : [Varint(v)]); break;
                case 7: longs.AddRange(w == 2 ? Varints(v) : [Varint(v)]); break;
                case 8: name = Str(v); break;
                case 9: raw = v.ToArray(); break;
                case 10: doubles.AddRange(w == 2 ? MemoryMarshal.Cast<byte, double>(v.Span).ToArray() : [BitConverter.ToDouble(v.Span)]); break;
            }
        int size = type.Size();
        raw ??= type switch
        {
            DataType.Float32 => MemoryMarshal.AsBytes(floats.ToArray().AsSpan()).ToArray(),
            DataType.Float64 => MemoryMarshal.AsBytes(doubles.ToArray().AsSpan()).ToArray(),
            DataType.Int64 or DataType.UInt64 => MemoryMarshal.AsBytes(longs.ToArray().AsSpan()).ToArray(),
            // int32_data carries every narrower type, one value per entry.
            _ => ints.SelectMany(x => BitConverter.GetBytes(x).Take(size)).ToArray(),
        };
        var shape = dims.Select(d => (int)d).ToArray();
        var def = new TensorDef(name, type, dims.Select(d => (Dim)d).ToArray(), raw);
        return (name, Tensor.FromBytes(type, raw, shape), def);
    }

    private static string Str(ReadOnlyMemory<byte> b) => Encoding.UTF8.GetString(b.Span);

    private static long Varint(ReadOnlyMemory<byte> b) => (long)BitConverter.ToUInt64(b.Span);

    private static IEnumerable<long> Varints(ReadOnlyMemory<byte> b)
    {
        int i = 0;
        var r = new List<long>();
        while (i < b.Length)
            r.Add((long)ReadVarint(b.Span, ref i));
        return r;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> b, ref int i)
    {
        ulong r = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte c = b[i++];
            r |= (ulong)(c & 0x7f) << shift;
            if (c < 0x80)
                return r;
        }
    }

    /// <summary>Top-level fields of a message: varints come back as 8 little-endian bytes.</summary>
    private static List<(int Field, int Wire, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> message)
    {
        var r = new List<(int, int, ReadOnlyMemory<byte>)>();
        var s = message.Span;
        int i = 0;
        while (i < s.Length)
        {
            ulong key = ReadVarint(s, ref i);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0:
                    r.Add((field, wire, BitConverter.GetBytes(ReadVarint(s, ref i))));
                    break;
                case 1:
                    r.Add((field, wire, message.Slice(i, 8)));
                    i += 8;
                    break;
                case 5:
                    r.Add((field, wire, message.Slice(i, 4)));
                    i += 4;
                    break;
                case 2:
                    int len = (int)ReadVarint(s, ref i);
                    r.Add((field, wire, message.Slice(i, len)));
                    i += len;
                    break;
                default:
                    throw new InvalidDataException($"wire type {wire}");
            }
        }
        return r;
    }
}
