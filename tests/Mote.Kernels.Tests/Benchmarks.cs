using System.Diagnostics;
using System.Runtime.Intrinsics;
using Mote.Kernels.Convolution;
using Mote.Kernels.Gemm;
using Mote.Kernels.Pooling;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Tests;

/// <summary>
/// Throughput figures, printed, never asserted. Runs only with MOTE_BENCH=1 (and means something only in
/// Release): <c>MOTE_BENCH=1 dotnet test -c Release --filter Category=Benchmark --logger "console;verbosity=detailed"</c>.
/// </summary>
[Trait("Category", "Benchmark")]
public class Benchmarks(ITestOutputHelper output)
{
    private static bool Enabled => Environment.GetEnvironmentVariable("MOTE_BENCH") == "1";

    [Fact]
    public void PeakFma()
    {
        if (!Enabled) { output.WriteLine("set MOTE_BENCH=1 to run"); return; }
        foreach (int width in new[] { 128, 256, 512 })
        {
            double best = 0;
            for (int rep = 0; rep < 5; rep++)
            {
                const long iters = 20_000_000;
                var sw = Stopwatch.StartNew();
                float sink = width switch { 512 => FmaLoop512(iters), 256 => FmaLoop256(iters), _ => FmaLoop128(iters) };
                double s = sw.Elapsed.TotalSeconds;
                best = Math.Max(best, iters * 16.0 * (width / 32) * 2 / s / 1e9);
                if (sink == 42) output.WriteLine("");
            }
            output.WriteLine($"peak FMA {width}-bit: {best:F1} GFLOP/s");
        }
    }

    // 16 independent accumulators: more than FMA latency × pipes, so the loop is throughput-bound.
    private static float FmaLoop512(long iters)
    {
        var a = Vector512.Create(1.0000001f);
        var b = Vector512.Create(0.9999999f);
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<float> c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;
        for (long i = 0; i < iters; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b); c1 = Vector512.FusedMultiplyAdd(c1, a, b);
            c2 = Vector512.FusedMultiplyAdd(c2, a, b); c3 = Vector512.FusedMultiplyAdd(c3, a, b);
            c4 = Vector512.FusedMultiplyAdd(c4, a, b); c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b); c7 = Vector512.FusedMultiplyAdd(c7, a, b);
            c8 = Vector512.FusedMultiplyAdd(c8, a, b); c9 = Vector512.FusedMultiplyAdd(c9, a, b);
            c10 = Vector512.FusedMultiplyAdd(c10, a, b); c11 = Vector512.FusedMultiplyAdd(c11, a, b);
            c12 = Vector512.FusedMultiplyAdd(c12, a, b); c13 = Vector512.FusedMultiplyAdd(c13, a, b);
            c14 = Vector512.FusedMultiplyAdd(c14, a, b); c15 = Vector512.FusedMultiplyAdd(c15, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15);
    }

    private static float FmaLoop256(long iters)
    {
        var a = Vector256.Create(1.0000001f);
        var b = Vector256.Create(0.9999999f);
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector256<float> c8 = default, c9 = default, c10 = default, c11 = default;
        for (long i = 0, n = iters * 16 / 12; i < n; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, a, b); c1 = Vector256.FusedMultiplyAdd(c1, a, b);
            c2 = Vector256.FusedMultiplyAdd(c2, a, b); c3 = Vector256.FusedMultiplyAdd(c3, a, b);
            c4 = Vector256.FusedMultiplyAdd(c4, a, b); c5 = Vector256.FusedMultiplyAdd(c5, a, b);
            c6 = Vector256.FusedMultiplyAdd(c6, a, b); c7 = Vector256.FusedMultiplyAdd(c7, a, b);
            c8 = Vector256.FusedMultiplyAdd(c8, a, b); c9 = Vector256.FusedMultiplyAdd(c9, a, b);
            c10 = Vector256.FusedMultiplyAdd(c10, a, b); c11 = Vector256.FusedMultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    private static float FmaLoop128(long iters)
    {
        var a = Vector128.Create(1.0000001f);
        var b = Vector128.Create(0.9999999f);
        Vector128<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector128<float> c8 = default, c9 = default, c10 = default, c11 = default;
        for (long i = 0, n = iters * 16 / 12; i < n; i++)
        {
            c0 = Vector128.FusedMultiplyAdd(c0, a, b); c1 = Vector128.FusedMultiplyAdd(c1, a, b);
            c2 = Vector128.FusedMultiplyAdd(c2, a, b); c3 = Vector128.FusedMultiplyAdd(c3, a, b);
            c4 = Vector128.FusedMultiplyAdd(c4, a, b); c5 = Vector128.FusedMultiplyAdd(c5, a, b);
            c6 = Vector128.FusedMultiplyAdd(c6, a, b); c7 = Vector128.FusedMultiplyAdd(c7, a, b);
            c8 = Vector128.FusedMultiplyAdd(c8, a, b); c9 = Vector128.FusedMultiplyAdd(c9, a, b);
            c10 = Vector128.FusedMultiplyAdd(c10, a, b); c11 = Vector128.FusedMultiplyAdd(c11, a, b);
        }
        return Vector128.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [Fact]
    public void SgemmThroughput()
    {
        if (!Enabled) { output.WriteLine("set MOTE_BENCH=1 to run"); return; }
        var shapes = new (string Name, int M, int N, int K, GemmEntry Entry)[]
        {
            ("512^3 general", 512, 512, 512, GemmEntry.General),
            ("512^3 packed A", 512, 512, 512, GemmEntry.PackedA),
            ("squeezenet expand3x3 64x3025x576 packed A", 64, 3025, 576, GemmEntry.PackedA),
            ("squeezenet squeeze 16x3025x64 packed A", 16, 3025, 64, GemmEntry.PackedA),
            ("squeezenet conv10 1000x169x512 packed A", 1000, 169, 512, GemmEntry.PackedA),
            ("fc batch1 1x1000x1024 packed B", 1, 1000, 1024, GemmEntry.PackedB),
        };
        string? only = Environment.GetEnvironmentVariable("MOTE_BENCH_VARIANT");
        foreach (var v in TestData.Runnable(KernelFamily.Sgemm).Where(v => v.Tier != KernelTier.Reference && (only is null || v.Name.Contains(only))))
        {
            var kernel = (SgemmKernel)v.Kernel;
            foreach (var s in shapes)
            {
                foreach (int threads in Environment.GetEnvironmentVariable("MOTE_BENCH_THREADS") == "1" ? new[] { 1 } : new[] { 1, 2 })
                {
                    using var pool = new KernelThreadPool(threads);
                    double g = Measure(kernel, s.M, s.N, s.K, s.Entry, threads == 1 ? null : pool);
                    output.WriteLine($"{v.Name,-20} {s.Name,-45} threads={threads}: {g,7:F1} GFLOP/s");
                }
            }
        }
    }

    [Fact]
    public void DepthwiseThroughput()
    {
        if (!Enabled) { output.WriteLine("set MOTE_BENCH=1 to run"); return; }
        var shapes = new (string Name, int C, Window2D W)[]
        {
            ("dw3x3 s1 32x120x160", 32, Window2D.Create(120, 160, 3, 3, 1, 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)),
            ("dw3x3 s1 32x120x160 nopad", 32, Window2D.Create(120, 160, 3, 3)),
            ("dw3x3 s2 64x120x160", 64, Window2D.Create(120, 160, 3, 3, 2, 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)),
            ("dw3x3 s1 256x15x20", 256, Window2D.Create(15, 20, 3, 3, 1, 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)),
            ("dw5x5 s1 96x40x40", 96, Window2D.Create(40, 40, 5, 5, 1, 1, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2)),
        };
        foreach (var v in TestData.Runnable(KernelFamily.DepthwiseConv2D).Where(v => v.Tier != KernelTier.Reference))
        {
            var kernel = (DepthwiseConv2DKernel)v.Kernel;
            foreach (var s in shapes)
            {
                float[] x = TestData.Random(s.C * s.W.InputSize, 1), w = TestData.Random(s.C * s.W.KernelSize, 2), b = new float[s.C];
                float[] y = new float[s.C * s.W.OutputSize];
                double best = double.MaxValue;
                for (int rep = 0; rep < 15; rep++)
                {
                    int iters = 0;
                    var sw = Stopwatch.StartNew();
                    do { kernel.Compute(x, s.C, 1, s.W, w, b, Activation.Relu, y); iters++; } while (sw.Elapsed.TotalSeconds < 0.04);
                    best = Math.Min(best, sw.Elapsed.TotalSeconds / iters);
                }
                double flops = 2.0 * s.C * s.W.OutputSize * s.W.KernelSize;
                output.WriteLine($"{v.Name,-26} {s.Name,-24}: {flops / best / 1e9,6:F1} GFLOP/s ({best * 1e6:F0} µs)");
            }
        }
    }

    [Fact]
    public void PoolingThroughput()
    {
        if (!Enabled) { output.WriteLine("set MOTE_BENCH=1 to run"); return; }
        var win = Window2D.Create(112, 112, 3, 3, 2, 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        float[] x = TestData.Random(64 * win.InputSize, 1), y = new float[64 * win.OutputSize];
        foreach (var v in TestData.Runnable(KernelFamily.Pool2D))
        {
            var kernel = (Pool2DKernel)v.Kernel;
            double best = double.MaxValue;
            for (int rep = 0; rep < 15; rep++)
            {
                int iters = 0;
                var sw = Stopwatch.StartNew();
                do { kernel.MaxPool(x, 64, win, y); iters++; } while (sw.Elapsed.TotalSeconds < 0.04);
                best = Math.Min(best, sw.Elapsed.TotalSeconds / iters);
            }
            output.WriteLine($"{v.Name,-18} maxpool3x3 s2 64x112x112: {best * 1e6,7:F0} µs ({x.Length * 4.0 / best / 1e9:F1} GB/s input)");
        }
    }

    private static double Measure(SgemmKernel kernel, int m, int n, int k, GemmEntry entry, KernelThreadPool? pool)
    {
        float[] a = TestData.Random(m * k, 1), b = TestData.Random(k * n, 2), c = new float[m * n];
        SgemmPackedA? pa = entry == GemmEntry.PackedA ? kernel.PackA(false, m, k, a, k) : null;
        SgemmPackedB? pb = entry == GemmEntry.PackedB ? kernel.PackB(false, k, n, b, n) : null;
        void Once()
        {
            if (pa != null) kernel.Gemm(pa, false, n, 1f, b, n, 0f, c, n, default, pool);
            else if (pb != null) kernel.Gemm(false, m, 1f, a, k, pb, 0f, c, n, default, pool);
            else kernel.Gemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n, default, pool);
        }
        for (int i = 0; i < 3; i++) Once();
        double best = double.MaxValue;
        // Best of many short runs: on a shared machine the quiet moments are the signal.
        for (int rep = 0; rep < 15; rep++)
        {
            int iters = 0;
            var sw = Stopwatch.StartNew();
            do { Once(); iters++; } while (sw.Elapsed.TotalSeconds < 0.04);
            best = Math.Min(best, sw.Elapsed.TotalSeconds / iters);
        }
        return 2.0 * m * n * k / best / 1e9;
    }
}
