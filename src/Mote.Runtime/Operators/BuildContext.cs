using Mote.Format;
using Mote.Kernels;
using Mote.Runtime.Execution;
using Mote.Runtime.Graph;

namespace Mote.Runtime.Operators;

/// <summary>What an operator may consult while it is created: the model, constants (for packing), the kernel table and options.</summary>
internal sealed class BuildContext(ModelDef model, SessionGraph graph, KernelSet kernels, SessionOptions options)
{
    public ModelDef Model { get; } = model;

    public KernelSet Kernels { get; } = kernels;

    public SessionOptions Options { get; } = options;

    /// <summary>The graph the operator belongs to (its <see cref="SessionGraph.Root"/> owns the constants).</summary>
    public SessionGraph Graph { get; } = graph;

    /// <summary>The constant named <paramref name="name"/> in its compute type, if the tensor is a constant.</summary>
    public bool TryGetConstant(string name, out TensorValue value)
    {
        if (name.Length > 0 && Graph.Ids.TryGetValue(name, out int id) && Graph.Values[id].Kind == ValueKind.Constant)
        {
            value = Graph.Values[id].Constant;
            return true;
        }
        value = default;
        return false;
    }
}
