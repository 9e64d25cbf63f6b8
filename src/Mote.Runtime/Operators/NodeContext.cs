using Mote.Kernels;
using Mote.Kernels.Threading;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators;

/// <summary>What an operator gets while it executes: its bound inputs and outputs, the session's kernel table and thread pool, and scratch memory.</summary>
internal readonly ref struct NodeContext
{
    public NodeContext(ReadOnlySpan<TensorValue> inputs, ReadOnlySpan<TensorValue> outputs, KernelSet kernels, KernelThreadPool? pool, Span<byte> scratch,
        ReadOnlySpan<TensorValue> implicitInputs = default, ProfileScope profile = default)
    {
        Profile = profile;
        ImplicitInputs = implicitInputs;
        Inputs = inputs;
        Outputs = outputs;
        Kernels = kernels;
        Pool = pool;
        Scratch = scratch;
    }

    public ReadOnlySpan<TensorValue> Inputs { get; }

    /// <summary>Where a subgraph this node runs records its nodes' times (off unless the session profiles).</summary>
    public ProfileScope Profile { get; }

    public ReadOnlySpan<TensorValue> Outputs { get; }

    /// <summary>Values of the enclosing graph read by the node's subgraphs, in <see cref="Operator.OuterNames"/> order.</summary>
    public ReadOnlySpan<TensorValue> ImplicitInputs { get; }

    public KernelSet Kernels { get; }

    /// <summary>Threads for parallel kernels, or null to run on the calling thread only.</summary>
    public KernelThreadPool? Pool { get; }

    /// <summary>At least as many bytes as the operator requested in <see cref="Operator.InferShapes"/>, 64-byte aligned; contents undefined.</summary>
    public Span<byte> Scratch { get; }

    /// <summary>Input <paramref name="i"/>, or a "none" value when omitted.</summary>
    public TensorValue Input(int i) => i < Inputs.Length ? Inputs[i] : default;

    /// <summary>Output <paramref name="i"/>, or a "none" value when not requested.</summary>
    public TensorValue Output(int i) => i < Outputs.Length ? Outputs[i] : default;

    /// <summary>Scratch reinterpreted as <typeparamref name="T"/>, starting at a byte offset.</summary>
    public Span<T> ScratchAs<T>(long byteOffset, int count) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(Scratch.Slice(checked((int)byteOffset)))[..count];
}
