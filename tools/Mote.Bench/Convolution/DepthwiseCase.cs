using Mote.Bench.Reporting;
using Mote.Kernels;

namespace Mote.Bench.Convolution;

/// <summary>One depthwise variant on one depthwise layer.</summary>
public sealed record DepthwiseCase(KernelChoice Kernel, ConvLayer Layer) : OrderedParameter, IWorkload, ITiered
{
    /// <inheritdoc/>
    public double Flops => Layer.Flops;

    /// <inheritdoc/>
    public KernelTier Tier => Kernel.Tier;

    /// <summary>Every supported variant (the reference too: these layers are small) on every depthwise layer of <see cref="ConvLayers"/>.</summary>
    public static IEnumerable<DepthwiseCase> All() =>
        (from layer in ConvLayers.All.Where(l => l.IsDepthwise)
         from v in KernelChoice.Supported(KernelFamily.DepthwiseConv2D)
         select new DepthwiseCase(v, layer)).Select((c, i) => c with { Order = i });

    /// <inheritdoc/>
    public override string ToString() => $"{Kernel} {Layer}";
}
