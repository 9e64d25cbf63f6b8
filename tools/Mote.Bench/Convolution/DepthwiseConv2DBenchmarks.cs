using BenchmarkDotNet.Attributes;
using Mote.Kernels;
using Mote.Kernels.Convolution;

namespace Mote.Bench.Convolution;

/// <summary>
/// The depthwise kernel family called directly (every registry variant this CPU supports), one thread, bias and
/// ReLU fused. Depthwise layers do ~9 multiply-adds per loaded input value, so they are bound by memory and
/// shuffles, not FMA throughput: "% of peak" is expected to be low and is shown for scale only.
/// </summary>
public class DepthwiseConv2DBenchmarks
{
    private float[] _x = [], _w = [], _b = [], _y = [];
    private DepthwiseConv2DKernel _kernel = null!;
    private Window2D _window;

    /// <summary>Variant and layer.</summary>
    [ParamsSource(nameof(Cases))]
    public DepthwiseCase Case { get; set; } = null!;

    /// <summary>The cases BenchmarkDotNet iterates.</summary>
    public static IEnumerable<DepthwiseCase> Cases() => DepthwiseCase.All();

    /// <summary>Allocates and fills the operands.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var l = Case.Layer;
        _kernel = (DepthwiseConv2DKernel)Case.Kernel.Variant.Kernel;
        _window = Window2D.Create(l.H, l.W, l.Kernel, l.Kernel, l.Stride, l.Stride, padTop: l.Pad, padLeft: l.Pad, padBottom: l.Pad, padRight: l.Pad);
        var rng = new Random(42);
        _x = Gemm.SgemmBenchmarks.Random(rng, l.C * l.H * l.W);
        _w = Gemm.SgemmBenchmarks.Random(rng, l.M * l.Kernel * l.Kernel);
        _b = Gemm.SgemmBenchmarks.Random(rng, l.M);
        _y = new float[l.M * _window.OutputSize];
    }

    /// <summary>One image.</summary>
    [Benchmark]
    public void DepthwiseConv2D() => _kernel.Compute(_x, Case.Layer.C, Case.Layer.M / Case.Layer.C, in _window, _w, _b, Activation.Relu, _y);
}
