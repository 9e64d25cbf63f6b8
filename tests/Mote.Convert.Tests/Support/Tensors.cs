using Mote.Format;

namespace Mote.Convert.Tests.Support;

/// <summary>Reads constant data in tests, independently of the converter's helpers.</summary>
internal static class Tensors
{
    public static float[] Floats(TensorDef t)
    {
        Assert.Equal(DataType.Float32, t.Type);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.Data!.Value.Span).ToArray();
    }

    public static long[] Longs(TensorDef t)
    {
        Assert.Equal(DataType.Int64, t.Type);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(t.Data!.Value.Span).ToArray();
    }

    public static long[] Shape(TensorDef t) => t.FixedShape();

    public static NodeDef Single(ModelDef m, OpType op) => Assert.Single(m.Graph.Nodes, n => n.Op == op);
}
