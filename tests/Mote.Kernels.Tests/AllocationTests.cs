using Mote.Kernels.Convolution;
using Mote.Kernels.Gemm;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Tests;

[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public class AllocationCollection;

/// <summary>After warm-up, kernel calls allocate nothing, on the caller or on pool threads.</summary>
[Collection(nameof(AllocationTests))]
public class AllocationTests
{
    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        var kernels = KernelSet.Create(CpuFeatures.Detect());
        var gemm = kernels.Sgemm;
        float[] a = TestData.Random(70 * 300, 1), b = TestData.Random(300 * 90, 2), c = new float[70 * 90], bias = TestData.Random(90, 3);
        var pa = gemm.PackA(false, 70, 300, a, 300);
        var pb = gemm.PackB(false, 300, 90, b, 90);
        var win = Window2D.Create(20, 30, 3, 3, 2, 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        float[] x = TestData.Random(4 * win.InputSize, 4), w = TestData.Random(4 * 9, 5), y = new float[4 * win.OutputSize];
        using var pool = new KernelThreadPool(3);

        void Work(KernelThreadPool? p)
        {
            var epilogue = new GemmEpilogue(GemmBiasKind.PerColumn, bias, Activation.Sigmoid);
            gemm.Gemm(false, true, 70, 90, 300, 1f, a, 300, b, 300, 0f, c, 90, epilogue, p);
            gemm.Gemm(pa, false, 90, 1f, b, 90, 0.5f, c, 90, epilogue, p);
            gemm.Gemm(false, 3, 1f, a, 300, pb, 0f, c, 90, epilogue, p);
            kernels.DepthwiseConv2D.Compute(x, 4, 1, in win, w, [], Activation.Relu, y, p);
            kernels.Pool2D.MaxPool(x, 4, in win, y, p);
            kernels.Activation.Apply(Activation.Tanh, c);
        }

        foreach (var p in new[] { null, pool })
        {
            // Warm up, then give tiered compilation time to finish its rejits: their bookkeeping allocates
            // on the calling thread, which is the runtime's, not the kernels'.
            for (int round = 0; round < 3; round++)
            {
                for (int i = 0; i < 60; i++) Work(p);
                Thread.Sleep(300);
            }
            // The calling thread and the pool threads, each counted exactly (the process total also moves with the
            // test host's own threads).
            long before = GC.GetAllocatedBytesForCurrentThread(), beforeWorkers = pool.WorkerAllocatedBytes;
            for (int i = 0; i < 200; i++) Work(p);
            long mine = GC.GetAllocatedBytesForCurrentThread() - before, workers = pool.WorkerAllocatedBytes - beforeWorkers;
            string where = p is null ? "no pool" : "pool";
            Assert.True(mine == 0, $"{where}: {mine} bytes allocated by the caller in 200 rounds");
            Assert.True(workers == 0, $"{where}: {workers} bytes allocated by pool threads in 200 rounds");
        }
    }
}
