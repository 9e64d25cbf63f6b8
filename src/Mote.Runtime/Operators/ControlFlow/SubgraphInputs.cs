using System.Buffers;
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
        FillImplicit(runner, outerNames, outerValues, inputs);
        return inputs;
    }

    /// <summary>
    /// <see cref="Implicit"/> in an array from the shared pool (longer than needed; give it back with
    /// <see cref="Return"/>): an If runs once per model run, and a fresh array each time was garbage.
    /// </summary>
    public static TensorValue[] Rent(SubgraphRunner runner, string[] outerNames, ReadOnlySpan<TensorValue> outerValues)
    {
        int n = runner.FormalInputCount + runner.ImplicitInputNames.Length;
        var inputs = ArrayPool<TensorValue>.Shared.Rent(Math.Max(1, n));
        FillImplicit(runner, outerNames, outerValues, inputs);
        return inputs;
    }

    private static void FillImplicit(SubgraphRunner runner, string[] outerNames, ReadOnlySpan<TensorValue> outerValues, TensorValue[] inputs)
    {
        for (int i = 0; i < runner.ImplicitInputNames.Length; i++)
            inputs[runner.FormalInputCount + i] = outerValues[Array.IndexOf(outerNames, runner.ImplicitInputNames[i])];
    }

    /// <summary>Returns an array from <see cref="Rent"/>, cleared (it holds shape arrays and pointers of this run).</summary>
    public static void Return(TensorValue[] inputs) => ArrayPool<TensorValue>.Shared.Return(inputs, clearArray: true);

    /// <summary>Allocates output <paramref name="k"/> with <paramref name="value"/>'s type and shape and copies it.</summary>
    public static void CopyOut(TensorValue value, OutputAllocator outputs, int k)
    {
        var dst = outputs.AllocateLike(k, value.Type, value.Shape);
        value.Bytes.CopyTo(dst.Bytes);
    }
}
