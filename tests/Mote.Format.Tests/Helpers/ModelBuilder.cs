using System.Runtime.InteropServices;
using Mote.Format;

namespace Mote.Format.Tests.Helpers;

/// <summary>Small conveniences for building test models by hand.</summary>
internal static class ModelBuilder
{
    public static TensorDef Value(this ModelDef m, string name, DataType type, params Dim[] shape) => m.Add(new TensorDef(name, type, shape));

    public static TensorDef Constant<T>(this ModelDef m, string name, DataType type, long[] dims, T[] values) where T : unmanaged =>
        m.Add(new TensorDef(name, type, dims.Select(d => (Dim)d).ToArray(), MemoryMarshal.AsBytes(values.AsSpan()).ToArray()));

    public static NodeDef Node(this GraphDef g, OpType op, string name, string[] inputs, string[] outputs, params AttributeDef[] attributes)
    {
        var n = new NodeDef(op, name, inputs, outputs, attributes);
        g.Nodes.Add(n);
        return n;
    }

    public static ushort F16(float v) => BitConverter.HalfToUInt16Bits((Half)v);

    public static ushort BF16(float v) => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16);

    public static byte[] Write(ModelDef model)
    {
        using var ms = new MemoryStream();
        MoteWriter.Write(model, ms);
        return ms.ToArray();
    }
}
