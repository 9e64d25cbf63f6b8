using System.Runtime.InteropServices;
using Mote.Format;

namespace Mote.Runtime.Tests;

/// <summary>Builds small <see cref="ModelDef"/> graphs by hand for runtime tests.</summary>
internal sealed class ModelBuilder
{
    public ModelDef Model { get; } = new();

    public ModelBuilder Input(string name, DataType type, params Dim[] shape)
    {
        Model.Add(new TensorDef(name, type, shape));
        Model.Graph.Inputs.Add(name);
        return this;
    }

    public ModelBuilder Output(string name, DataType type = DataType.Float32, Dim[]? shape = null)
    {
        Model.Add(new TensorDef(name, type, shape));
        Model.Graph.Outputs.Add(name);
        return this;
    }

    public ModelBuilder Constant<T>(string name, T[] values, params long[] shape) where T : unmanaged
    {
        var type = typeof(T) == typeof(float) ? DataType.Float32 : typeof(T) == typeof(long) ? DataType.Int64
            : typeof(T) == typeof(int) ? DataType.Int32 : typeof(T) == typeof(Half) ? DataType.Float16 : throw new NotSupportedException();
        Model.Add(new TensorDef(name, type, shape.Select(d => (Dim)d).ToArray(), MemoryMarshal.AsBytes(values.AsSpan()).ToArray()));
        return this;
    }

    public ModelBuilder Node(OpType op, string[] inputs, string[] outputs, params AttributeDef[] attributes)
    {
        Model.Graph.Nodes.Add(new NodeDef(op, $"{op.ToString().ToLowerInvariant()}{Model.Graph.Nodes.Count}", inputs, outputs, attributes));
        return this;
    }

    public InferenceSession Session(SessionOptions? options = null) => MoteModel.FromDefinition(Model).CreateSession(options);
}
