using System.Globalization;
using Mote.Bench.Reporting;

namespace Mote.Bench.Convolution;

/// <summary>
/// One 2-D convolution layer of a real model, batch 1, square kernel, symmetric padding: input C×H×W, M output
/// channels, <see cref="Group"/> groups (group = C = M is depthwise).
/// </summary>
public sealed record ConvLayer(string Source, int C, int H, int W, int M, int Kernel, int Stride = 1, int Pad = 0, int Group = 1) : OrderedParameter, IWorkload
{
    /// <summary>Output height.</summary>
    public int OutH => (H + 2 * Pad - Kernel) / Stride + 1;

    /// <summary>Output width.</summary>
    public int OutW => (W + 2 * Pad - Kernel) / Stride + 1;

    /// <summary>Whether this is a depthwise layer (one input channel per group).</summary>
    public bool IsDepthwise => Group > 1 && Group == C;

    /// <inheritdoc/>
    public double Flops => 2.0 * M * (C / Group) * Kernel * Kernel * OutH * OutW;

    /// <summary>E.g. <c>3x3s2 3->64 224x224 SqueezeNet conv1</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(IsDepthwise ? "dw" : "")}{Kernel}x{Kernel}{(Stride > 1 ? $"s{Stride}" : "")} {C}->{M} {H}x{W} {Source}");
}
