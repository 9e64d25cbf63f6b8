using BenchmarkDotNet.Attributes;
using Mote.Runtime;

namespace Mote.Bench.Convolution;

/// <summary>
/// Conv through <see cref="InferenceSession.RunInto"/> on one-node models (<see cref="ConvModel"/>), one thread, the
/// session's kernel table limited to each supported SIMD tier. Includes the per-run costs a real node pays (the
/// padded copy or im2col, bias + ReLU epilogue, input binding, and the copy of the result into the caller's output
/// tensor, made once as an application reusing buffers would).
/// </summary>
public class ConvBenchmarks
{
    private MoteModel? _model;
    private InferenceSession? _session;
    private NamedTensor[] _input = null!;
    private NamedTensor[] _output = null!;

    /// <summary>The layer.</summary>
    [ParamsSource(nameof(Layers))]
    public ConvLayer Layer { get; set; } = null!;

    /// <summary>The widest kernels the session may choose.</summary>
    [ParamsSource(nameof(Tiers))]
    public Reporting.VectorTier Tier { get; set; } = null!;

    /// <summary>The layers BenchmarkDotNet iterates.</summary>
    public static IEnumerable<ConvLayer> Layers() => ConvLayers.All.Select((l, i) => l with { Order = i });

    /// <summary>The SIMD tiers this process supports.</summary>
    public static IEnumerable<Reporting.VectorTier> Tiers() => Reporting.VectorTier.Supported();

    /// <summary>Loads the model (packing the weights), creates the session and plans it with one run.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = ConvModel.Load(Layer);
        _session = _model.CreateSession(new SessionOptions { Threads = 1, Features = Tier.Features });
        _input = [new NamedTensor("x", ConvModel.Input(Layer))];
        _output = [.. _session.Run(_input)];
    }

    /// <summary>One run of the node.</summary>
    [Benchmark]
    public void Conv() => _session!.RunInto(_input, _output);

    /// <summary>Releases the session and the model.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _session?.Dispose();
        _model?.Dispose();
    }
}
