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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Apply(Activation activation, Span<float> data)
    {
        if (activation.IsNone) return;
        int n = data.Length, lanes = TV.Count;
        if (n < lanes)
        {
            for (int i = 0; i < n; i++) data[i] = activation.Apply(data[i]);
            return;
        }
        fixed (float* p = data)
        {
            // The last vector overlaps the loop's final one; it is loaded before the loop overwrites the
            // overlap, so every element is transformed exactly once even though the work is in place.
            TV last = TV.Load(p + n - lanes);
            int i = 0;
            for (; i + 4 * lanes <= n; i += 4 * lanes)
            {
                TV.Store(p + i, ActivationSimd.Apply(TV.Load(p + i), activation));
                TV.Store(p + i + lanes, ActivationSimd.Apply(TV.Load(p + i + lanes), activation));
                TV.Store(p + i + 2 * lanes, ActivationSimd.Apply(TV.Load(p + i + 2 * lanes), activation));
                TV.Store(p + i + 3 * lanes, ActivationSimd.Apply(TV.Load(p + i + 3 * lanes), activation));
            }
            for (; i + lanes <= n; i += lanes) TV.Store(p + i, ActivationSimd.Apply(TV.Load(p + i), activation));
            if (i < n) TV.Store(p + n - lanes, ActivationSimd.Apply(last, activation));
        }
    }
}
