using Mote.Bench.Reporting;
using Mote.Kernels;

namespace Mote.Bench.Gemm;

/// <summary>One SGEMM variant on one shape (a single parameter, so the scalar reference can be limited to a small shape).</summary>
public sealed record SgemmCase(KernelChoice Kernel, GemmShape Shape) : OrderedParameter, IWorkload, ITiered
{
    /// <inheritdoc/>
    public double Flops => Shape.Flops;

    /// <inheritdoc/>
    public KernelTier Tier => Kernel.Tier;

    /// <summary>Every supported SIMD variant on every shape, then every variant (reference included) on the small shape.</summary>
    public static IEnumerable<SgemmCase> All()
    {
        var variants = KernelChoice.Supported(KernelFamily.Sgemm).ToList();
        int order = 0;
        foreach (var shape in GemmShapes.All)
            foreach (var v in variants.Where(v => v.Tier != KernelTier.Reference))
                yield return new SgemmCase(v, shape) { Order = order++ };
        foreach (var v in variants)
            yield return new SgemmCase(v, GemmShapes.Small) { Order = order++ };
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Kernel} {Shape}";
}
