using System.Runtime.CompilerServices;
using Mote.Kernels.Simd;

namespace Mote.Kernels;

/// <summary>
/// An <see cref="Activation"/> applied in place to a span (for activations that could not be fused into the
/// producing kernel). Any length; no alignment required.
/// </summary>
public abstract class ActivationKernel
{
    /// <summary>Variant name.</summary>
    public abstract string Name { get; }

    /// <summary>The instruction-set tier.</summary>
    public abstract KernelTier Tier { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Replaces every element x of <paramref name="data"/> with <c>activation(x)</c>.</summary>
    public abstract void Apply(Activation activation, Span<float> data);
}

/// <summary>The reference: <see cref="Activation.Apply(float)"/> element by element.</summary>
internal sealed class ActivationReferenceKernel : ActivationKernel
{
    public override string Name => "ActivationReference";

    public override KernelTier Tier => KernelTier.Reference;

    public override void Apply(Activation activation, Span<float> data)
    {
        if (activation.IsNone) return;
        for (int i = 0; i < data.Length; i++) data[i] = activation.Apply(data[i]);
    }
}

/// <summary>Vectorized in-place activation for one ISA (<see cref="ActivationSimd"/>).</summary>
internal sealed unsafe class ActivationSimdKernel<TV>(string name, KernelTier tier) : ActivationKernel
    where TV : unmanaged, ISimdF32<TV>
{
    public override string Name => name;

    public override KernelTier Tier => tier;

    public override void Apply(Activation activation, Span<float> data)
    {
        fixed (float* p = data) ApplyInPlace(activation, p, data.Length);
    }

    /// <summary>The activation of <paramref name="n"/> floats at <paramref name="p"/>, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ApplyInPlace(Activation activation, float* p, int n)
    {
        if (activation.IsNone) return;
        int lanes = TV.Count;
        if (n < lanes)
        {
            for (int i = 0; i < n; i++) p[i] = activation.Apply(p[i]);
            return;
        }
        // The last vector overlaps the loop's final one; it is loaded before the loop overwrites the
        // overlap, so every element is transformed exactly once even though the work is in place.
        TV last = TV.Load(p + n - lanes);
        int j = 0;
        for (; j + 4 * lanes <= n; j += 4 * lanes)
        {
            TV.Store(p + j, ActivationSimd.Apply(TV.Load(p + j), activation));
            TV.Store(p + j + lanes, ActivationSimd.Apply(TV.Load(p + j + lanes), activation));
            TV.Store(p + j + 2 * lanes, ActivationSimd.Apply(TV.Load(p + j + 2 * lanes), activation));
            TV.Store(p + j + 3 * lanes, ActivationSimd.Apply(TV.Load(p + j + 3 * lanes), activation));
        }
        for (; j + lanes <= n; j += lanes) TV.Store(p + j, ActivationSimd.Apply(TV.Load(p + j), activation));
        if (j < n) TV.Store(p + n - lanes, ActivationSimd.Apply(last, activation));
    }
}
