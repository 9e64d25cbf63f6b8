using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Mote.Kernels;

namespace Mote.Bench.Peak;

/// <summary>
/// Single-thread fp32 FMA peak per vector width: what the GFLOP/s columns divide by. Measured in the benchmark
/// process itself (same JIT, same switches such as <c>DOTNET_EnableAVX512=0</c>) right before BenchmarkDotNet runs.
/// </summary>
internal sealed class FmaPeak
{
    /// <summary>Independent accumulator chains. FMA latency (4 cycles on Zen 4/5 and Skylake-X) × 2 FMA pipes needs
    /// at least 8 in flight; 12 leaves headroom and, with the two constants, still fits 16 registers (AVX2 has 16).</summary>
    public const int Chains = 12;

    private const int Iterations = 1 << 21;
    private const int Trials = 25;

    private readonly Dictionary<int, double> _gflops = [];

    /// <summary>The process's features (the tiers the kernels may use).</summary>
    public CpuFeatures Features { get; } = CpuFeatures.Detect();

    /// <summary>Peak GFLOP/s for <paramref name="bits"/>-bit vectors, or null when that width is not accelerated.</summary>
    public double? Gflops(int bits) => _gflops.TryGetValue(bits, out var g) ? g : null;

    /// <summary>The peak a variant of <paramref name="tier"/> can reach: the peak of the vector width it uses (null for scalar).</summary>
    public double? ForTier(KernelTier tier) => tier switch
    {
        KernelTier.Avx512 => Gflops(512),
        KernelTier.Avx2 => Gflops(256),
        KernelTier.Vector128 => Gflops(128),
        _ => null,
    };

    /// <summary>Measures every accelerated width.</summary>
    public static FmaPeak MeasureAll()
    {
        var peak = new FmaPeak();
        peak.Measure<Fma128>();
        peak.Measure<Fma256>();
        peak.Measure<Fma512>();
        return peak;
    }

    /// <summary>Best of several timed trials: on a shared machine the fastest trial is the one least disturbed.</summary>
    private void Measure<T>() where T : struct, IFmaVector<T>
    {
        if (!T.IsAccelerated)
            return;
        double best = double.MaxValue;
        float sink = 0;
        for (int t = 0; t < Trials; t++)
        {
            long start = Stopwatch.GetTimestamp();
            sink += Loop<T>(Iterations);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        GC.KeepAlive(sink);
        _gflops[T.Bits] = FlopsPerLoop<T>(Iterations) / best / 1e9;
    }

    /// <summary>Flops of one <see cref="Loop{T}"/> call: two per lane per FMA.</summary>
    public static double FlopsPerLoop<T>(int iterations) where T : struct, IFmaVector<T> => 2.0 * T.Lanes * Chains * iterations;

    /// <summary><see cref="Chains"/> independent chains of <c>acc = acc·m + a</c>; m &lt; 1 keeps values near 1 (no overflow, no denormals).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Loop<T>(int iterations) where T : struct, IFmaVector<T>
    {
        T m = T.Create(0.9999999f), a = T.Create(1e-7f);
        T c0 = T.Create(1f), c1 = T.Create(1.1f), c2 = T.Create(1.2f), c3 = T.Create(1.3f), c4 = T.Create(1.4f), c5 = T.Create(1.5f);
        T c6 = T.Create(1.6f), c7 = T.Create(1.7f), c8 = T.Create(1.8f), c9 = T.Create(1.9f), c10 = T.Create(2.0f), c11 = T.Create(2.1f);
        for (int i = 0; i < iterations; i++)
        {
            c0 = T.Fma(c0, m, a); c1 = T.Fma(c1, m, a); c2 = T.Fma(c2, m, a); c3 = T.Fma(c3, m, a);
            c4 = T.Fma(c4, m, a); c5 = T.Fma(c5, m, a); c6 = T.Fma(c6, m, a); c7 = T.Fma(c7, m, a);
            c8 = T.Fma(c8, m, a); c9 = T.Fma(c9, m, a); c10 = T.Fma(c10, m, a); c11 = T.Fma(c11, m, a);
        }
        return c0.Sum() + c1.Sum() + c2.Sum() + c3.Sum() + c4.Sum() + c5.Sum() + c6.Sum() + c7.Sum() + c8.Sum() + c9.Sum() + c10.Sum() + c11.Sum();
    }

    /// <summary>One line per width, e.g. <c>512-bit: 205.3 GFLOP/s</c>.</summary>
    public string Describe()
    {
        var lines = new List<string> { $"FMA peak, fp32, one thread, {Chains} chains, best of {Trials} (features: {Features}):" };
        foreach (int bits in new[] { 512, 256, 128 })
            lines.Add(Gflops(bits) is { } g
                ? string.Create(CultureInfo.InvariantCulture, $"  {bits}-bit: {g:F1} GFLOP/s")
                : $"  {bits}-bit: not accelerated in this process");
        return string.Join(Environment.NewLine, lines);
    }
}
