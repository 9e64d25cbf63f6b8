using Google.Protobuf;
using Mote.Convert.Onnx;

namespace Mote.Convert.Tests.Support;

/// <summary>Builds ONNX protos in tests with the converter's own generated classes.</summary>
internal static class Onnx
{
    public const int F32 = 1, U8 = 2, I8 = 3, U16 = 4, I16 = 5, I32 = 6, I64 = 7, Str = 8, Bool = 9,
        F16 = 10, F64 = 11, U32 = 12, U64 = 13, BF16 = 16, F8 = 17;

    public static ModelProto Model(GraphProto graph, long opset = 21, params FunctionProto[] functions)
    {
        var m = new ModelProto { IrVersion = 9, ProducerName = "test", ProducerVersion = "1.0", Graph = graph };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        m.Functions.AddRange(functions);
        return m;
    }

    public static GraphProto Graph(string name, IEnumerable<NodeProto> nodes, IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs, params TensorProto[] initializers)
    {
        var g = new GraphProto { Name = name };
        g.Node.AddRange(nodes);
        g.Input.AddRange(inputs);
        g.Output.AddRange(outputs);
        g.Initializer.AddRange(initializers);
        return g;
    }

    /// <summary>A tensor value; dims are longs or strings (dim_param), null for a dim with neither.</summary>
    public static ValueInfoProto Value(string name, int elemType, params object?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d switch
            {
                null => new TensorShapeProto.Types.Dimension(),
                string s => new TensorShapeProto.Types.Dimension { DimParam = s },
                _ => new TensorShapeProto.Types.Dimension { DimValue = System.Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) },
            });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }

    /// <summary>A value whose rank is unknown (no shape).</summary>
    public static ValueInfoProto ValueNoShape(string name, int elemType) =>
        new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType } } };

    public static NodeProto Node(string op, string[] inputs, string[] outputs, string name = "", params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        return n;
    }

    public static AttributeProto Attr(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
    public static AttributeProto Attr(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };
    public static AttributeProto Attr(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
    public static AttributeProto Attr(string name, TensorProto value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };
    public static AttributeProto Attr(string name, GraphProto value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto Ref(string name, string refName, AttributeProto.Types.AttributeType type) =>
        new() { Name = name, RefAttrName = refName, Type = type };

    /// <summary>A float tensor stored as float_data.</summary>
    public static TensorProto FloatTensor(string name, long[] dims, params float[] values)
    {
        var t = new TensorProto { Name = name, DataType = F32 };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        return t;
    }

    /// <summary>A float tensor stored as raw_data.</summary>
    public static TensorProto FloatRaw(string name, long[] dims, params float[] values)
    {
        var t = new TensorProto { Name = name, DataType = F32, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        t.Dims.AddRange(dims);
        return t;
    }

    public static TensorProto Int64Tensor(string name, long[] dims, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = I64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        return t;
    }

    public static FunctionProto Function(string domain, string name, string[] inputs, string[] outputs, NodeProto[] nodes, string[]? attributes = null, AttributeProto[]? defaults = null, long opset = 21)
    {
        var f = new FunctionProto { Domain = domain, Name = name };
        f.Input.AddRange(inputs);
        f.Output.AddRange(outputs);
        f.Node.AddRange(nodes);
        if (attributes is not null)
            f.Attribute.AddRange(attributes);
        if (defaults is not null)
            f.AttributeProto.AddRange(defaults);
        f.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return f;
    }
}
