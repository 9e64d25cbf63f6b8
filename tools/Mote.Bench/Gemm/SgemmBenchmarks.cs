using BenchmarkDotNet.Attributes;
using Mote.Kernels.Gemm;

namespace Mote.Bench.Gemm;

/// <summary>
/// SGEMM, one thread, every registry variant this CPU supports, on <see cref="GemmShapes"/>, through the three entry
/// shapes the runtime uses. No bias or activation: the product alone. Operands are random in [-1, 1).
/// </summary>
public class SgemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private SgemmKernel _kernel = null!;
    private SgemmPackedA? _packedA;
    private SgemmPackedB? _packedB;

    /// <summary>Variant and shape.</summary>
    [ParamsSource(nameof(Cases))]
    public SgemmCase Case { get; set; } = null!;

    /// <summary>How the operands are given.</summary>
    [ParamsAllValues]
    public GemmEntry Entry { get; set; }

    /// <summary>The cases BenchmarkDotNet iterates.</summary>
    public static IEnumerable<SgemmCase> Cases() => SgemmCase.All();

    /// <summary>Allocates and fills the operands; packs the constant one for the packed entries.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var (m, k, n) = (Case.Shape.M, Case.Shape.K, Case.Shape.N);
        _kernel = (SgemmKernel)Case.Kernel.Variant.Kernel;
        var rng = new Random(42);
        _a = Random(rng, m * k);
        _b = Random(rng, k * n);
        _c = new float[m * n];
        _packedA = Entry == GemmEntry.PackedA ? _kernel.PackA(false, m, k, _a, k) : null;
        _packedB = Entry == GemmEntry.PackedB ? _kernel.PackB(false, k, n, _b, n) : null;
    }

    /// <summary>C = A·B.</summary>
    [Benchmark]
    public void Sgemm()
    {
        var (m, k, n) = (Case.Shape.M, Case.Shape.K, Case.Shape.N);
        switch (Entry)
        {
            case GemmEntry.PackedA: _kernel.Gemm(_packedA!, false, n, 1f, _b, n, 0f, _c, n); break;
            case GemmEntry.PackedB: _kernel.Gemm(false, m, 1f, _a, k, _packedB!, 0f, _c, n); break;
            default: _kernel.Gemm(false, false, m, n, k, 1f, _a, k, _b, n, 0f, _c, n); break;
        }
    }

    internal static float[] Random(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < x.Length; i++)
            x[i] = rng.NextSingle() * 2 - 1;
        return x;
    }
}
