using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Graph;
using Mote.Runtime.Operators.Elementwise;

namespace Mote.Runtime.Operators.Signal;

/// <summary>
/// The <c>output_datatype</c> of the generator operators (windows, MelWeightMatrix): values are computed in
/// double into scratch, then converted like Cast into the requested type (f16/bf16 give f32 values rounded
/// through that precision, as everywhere in the graph).
/// </summary>
internal sealed class GeneratedOutput
{
    public GeneratedOutput(NodeDef node)
    {
        long id = node.GetInt("output_datatype", (long)DataType.Float32);
        Declared = (DataType)id;
        if (id is < 0 or > 255 || !DataTypeInfo.IsValid(Declared) || !CastConversion.IsTarget(Declared) || Declared == DataType.Bool)
            throw new MoteNotSupportedException($"{node.Op} output_datatype {id} is not a supported numeric type");
    }

    /// <summary>The type the model asked for.</summary>
    public DataType Declared { get; }

    /// <summary>The element type of the output inside the graph.</summary>
    public DataType Compute => SessionGraph.ComputeType(Declared);

    /// <summary>Scratch bytes for <paramref name="count"/> double values.</summary>
    public static long ScratchBytes(long count) => count * sizeof(double);

    /// <summary>The doubles at the start of scratch, <paramref name="count"/> of them.</summary>
    public static Span<double> Values(in NodeContext ctx, int count) => ctx.ScratchAs<double>(0, count);

    /// <summary>Converts the first <c>y.Count</c> doubles of scratch into <paramref name="y"/>.</summary>
    public unsafe void Store(in NodeContext ctx, TensorValue y)
    {
        fixed (byte* p = ctx.Scratch)
            CastConversion.Convert(new TensorValue(DataType.Float64, y.Shape, p), y, Declared);
    }
}
