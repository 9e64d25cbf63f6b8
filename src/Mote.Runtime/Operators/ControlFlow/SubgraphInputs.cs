using Mote.Runtime.Execution;
using Mote.Runtime.Graph;

namespace Mote.Runtime.Operators.ControlFlow;

/// <summary>Binding helpers shared by If, Loop and Scan.</summary>
internal static class SubgraphInputs
{
    /// <summary>The subgraph's input array with its implicit inputs filled from the node's (formal inputs left for the caller).</summary>
    public static TensorValue[] Implicit(SubgraphRunner runner, string[] outerNames, ReadOnlySpan<TensorValue> outerValues)
    {
        var inputs = new TensorValue[runner.FormalInputCount + runner.ImplicitInputNames.Length];
        for (int i = 0; i < runner.ImplicitInputNames.Length; i++)
            inputs[runner.FormalInputCount + i] = outerValues[Array.IndexOf(outerNames, runner.ImplicitInputNames[i])];
        return inputs;
    }

    /// <summary>Allocates output <paramref name="k"/> with <paramref name="value"/>'s type and shape and copies it.</summary>
    public static void CopyOut(TensorValue value, OutputAllocator outputs, int k)
    {
        var dst = outputs.AllocateLike(k, value.Type, value.Shape);
        value.Bytes.CopyTo(dst.Bytes);
    }
}
