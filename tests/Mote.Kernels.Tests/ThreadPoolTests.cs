using Mote.Kernels.Threading;

namespace Mote.Kernels.Tests;

public class ThreadPoolTests
{
    private unsafe struct CountTask : IParallelTask
    {
        public int* Hits;
        public int ThrowAt;

        public readonly void Execute(int taskIndex, KernelScratch scratch)
        {
            if (taskIndex == ThrowAt) throw new InvalidOperationException("boom " + taskIndex);
            Interlocked.Increment(ref Hits[taskIndex]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public unsafe void EveryTaskRunsExactlyOnce_ManyRegions(int threads)
    {
        using var pool = new KernelThreadPool(threads);
        int[] hits = new int[257];
        fixed (int* h = hits)
        {
            for (int region = 0; region < 3000; region++)
            {
                int tasks = region % 257 + 1;
                pool.Run(new CountTask { Hits = h, ThrowAt = -1 }, tasks);
                for (int i = 0; i < 257; i++)
                {
                    Assert.Equal(i < tasks ? 1 : 0, hits[i]);
                    hits[i] = 0;
                }
                if (region % 500 == 0) Thread.Sleep(2); // let workers park, then wake them again
            }
        }
    }

    [Fact]
    public unsafe void ExceptionsPropagateAndThePoolStaysUsable()
    {
        using var pool = new KernelThreadPool(3);
        int[] hits = new int[64];
        fixed (int* h = hits)
        {
            var task = new CountTask { Hits = h, ThrowAt = 17 };
            var ex = Assert.Throws<AggregateException>(() => pool.Run(task, 64));
            Assert.Contains("boom 17", ex.InnerException!.Message);
            Array.Clear(hits);
            pool.Run(new CountTask { Hits = h, ThrowAt = -1 }, 64);
            Assert.All(hits, x => Assert.Equal(1, x));
        }
    }

    private struct NestedTask : IParallelTask
    {
        public nint PoolHandle;

        public readonly void Execute(int taskIndex, KernelScratch scratch)
        {
            var pool = (KernelThreadPool)System.Runtime.InteropServices.GCHandle.FromIntPtr(PoolHandle).Target!;
            pool.Run(new NestedTask(), 1);
        }
    }

    [Fact]
    public void NestedRunThrows()
    {
        using var pool = new KernelThreadPool(2);
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(pool);
        try
        {
            Assert.ThrowsAny<Exception>(() => pool.Run(new NestedTask { PoolHandle = System.Runtime.InteropServices.GCHandle.ToIntPtr(handle) }, 4));
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public unsafe void RegionsAllocateNothingOnTheCaller()
    {
        using var pool = new KernelThreadPool(3);
        int[] hits = new int[16];
        fixed (int* h = hits)
        {
            for (int i = 0; i < 100; i++) pool.Run(new CountTask { Hits = h, ThrowAt = -1 }, 16);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++) pool.Run(new CountTask { Hits = h, ThrowAt = -1 }, 16);
            Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        }
    }

    [Fact]
    public void SmallWorkStaysOnTheCallingThread()
    {
        using var pool = new KernelThreadPool(2);
        using var single = new KernelThreadPool(1);
        Assert.Equal(1, KernelThreadPool.TaskCount(null, 1L << 40, 8));
        Assert.Equal(1, KernelThreadPool.TaskCount(single, 1L << 40, 8));
        Assert.Equal(1, KernelThreadPool.TaskCount(pool, KernelThreadPool.MinTaskWork - 1, 6));
        Assert.Equal(3, KernelThreadPool.TaskCount(pool, 3 * KernelThreadPool.MinTaskWork + 5, 6));
        Assert.Equal(6, KernelThreadPool.TaskCount(pool, 100 * KernelThreadPool.MinTaskWork, 6));
    }
}
