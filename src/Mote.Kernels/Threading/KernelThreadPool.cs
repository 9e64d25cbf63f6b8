using System.Runtime.CompilerServices;

namespace Mote.Kernels.Threading;

/// <summary>
/// A small fork-join pool owned by a session: <see cref="ThreadCount"/> participants, the calling thread
/// plus <c>ThreadCount − 1</c> background threads. A region hands out task indices dynamically; the caller
/// takes part and returns as soon as every task has finished (it never waits for a parked thread to wake
/// up). Idle threads spin briefly and then park on a monitor, so an idle pool costs no CPU. Nothing is
/// allocated per region. With one thread everything runs inline.
/// </summary>
/// <remarks>
/// One region at a time: calling <see cref="Run{TTask}"/> from inside a task, or concurrently from two
/// threads, throws. Each participant owns a <see cref="KernelScratch"/>, handed to the tasks it runs.
/// </remarks>
public sealed unsafe class KernelThreadPool : IDisposable
{
    // About 20-50 µs of polling before parking: enough to catch the next layer's region, short enough
    // not to steal a core from other processes between inferences.
    private const int SpinIterations = 2000;
    private const int CountBits = 24;
    private const long CountMask = (1L << CountBits) - 1;

    private readonly Thread[] _threads;
    private readonly KernelScratch[] _scratch;
    private readonly object _gate = new();

    // The region's work word: generation (bits 48-63) | task count (24-47) | next task (0-23). A task is
    // claimed by one compare-exchange on the whole word, so a late thread can never claim a task of a
    // region it did not read the fields of: the region cannot finish (and its fields cannot change)
    // while a claimed task is still running.
    private long _work;
    private delegate*<void*, int, KernelScratch, void> _invoke;
    private void* _task;
    private int _done;
    private int _sleepers;
    private int _running;
    private volatile bool _disposed;
    private Exception? _error;
    private long _workerAllocatedBytes;

    /// <summary>Bytes the pool threads have allocated while running tasks (diagnostics: tests assert it stays flat).</summary>
    internal long WorkerAllocatedBytes => Volatile.Read(ref _workerAllocatedBytes);

    /// <summary>Creates a pool of <paramref name="threadCount"/> participants (≥ 1; 1 = no threads at all).</summary>
    public KernelThreadPool(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ThreadCount = threadCount;
        _scratch = new KernelScratch[threadCount];
        for (int i = 0; i < threadCount; i++) _scratch[i] = new KernelScratch();
        _threads = new Thread[threadCount - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            int worker = i + 1;
            _threads[i] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"mote-kernel-{worker}" };
            _threads[i].Start();
        }
    }

    /// <summary>Number of participants, including the calling thread.</summary>
    public int ThreadCount { get; }

    /// <summary>
    /// Multiply-adds (or comparable element steps) a task should get at least: about 10 µs of work, so that
    /// handing it to another thread (a few µs when the worker spins, tens when it must be woken) never costs
    /// more than it saves. Small layers run on the calling thread alone.
    /// </summary>
    public const long MinTaskWork = 1 << 19;

    /// <summary>
    /// How many tasks to cut <paramref name="work"/> units (see <see cref="MinTaskWork"/>) into, at most
    /// <paramref name="maxTasks"/>: 1 (run inline) for small work or a null pool.
    /// </summary>
    public static int TaskCount(KernelThreadPool? pool, long work, int maxTasks) =>
        pool is null || pool.ThreadCount == 1 ? 1 : (int)Math.Clamp(work / MinTaskWork, 1, Math.Max(1, maxTasks));

    /// <summary>The scratch of participant <paramref name="workerIndex"/> (0 = the calling thread).</summary>
    public KernelScratch GetScratch(int workerIndex) => _scratch[workerIndex];

    /// <summary>
    /// Runs <paramref name="task"/> for every index in <c>[0, taskCount)</c> across the pool and returns when
    /// all have finished. The first exception thrown by a task is rethrown here (wrapped) after all tasks stop.
    /// </summary>
    public void Run<TTask>(TTask task, int taskCount) where TTask : unmanaged, IParallelTask
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (taskCount <= 0) return;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(taskCount, (int)CountMask);
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("KernelThreadPool runs one region at a time (nested or concurrent Run).");
        try
        {
            if (_threads.Length == 0 || taskCount == 1)
            {
                for (int i = 0; i < taskCount; i++) task.Execute(i, _scratch[0]);
                return;
            }

            _invoke = &Invoke<TTask>;
            _task = &task;
            _error = null;
            _done = 0;
            long generation = (Volatile.Read(ref _work) >>> (2 * CountBits)) + 1;
            Interlocked.Exchange(ref _work, (generation << (2 * CountBits)) | ((long)taskCount << CountBits)); // full fence
            if (Volatile.Read(ref _sleepers) > 0)
            {
                lock (_gate) Monitor.PulseAll(_gate);
            }

            RunTasks(_scratch[0]);
            var spin = new SpinWait();
            while (Volatile.Read(ref _done) != taskCount) spin.SpinOnce(sleep1Threshold: -1);
            _task = null;
            if (_error is { } error) throw new AggregateException("A parallel kernel task failed.", error);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private static void Invoke<TTask>(void* task, int taskIndex, KernelScratch scratch) where TTask : unmanaged, IParallelTask
        => Unsafe.AsRef<TTask>(task).Execute(taskIndex, scratch);

    private void RunTasks(KernelScratch scratch)
    {
        while (true)
        {
            long w = Volatile.Read(ref _work);
            long next = w & CountMask, count = (w >> CountBits) & CountMask;
            if (next >= count) return;
            if (Interlocked.CompareExchange(ref _work, w + 1, w) != w) continue;
            try
            {
                if (_error is null) _invoke(_task, (int)next, scratch);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref _error, ex, null);
            }
            finally
            {
                Interlocked.Increment(ref _done);
            }
        }
    }

    private bool HasWork(long seen)
    {
        long w = Volatile.Read(ref _work);
        return w != seen && (w & CountMask) < ((w >> CountBits) & CountMask);
    }

    private void WorkerLoop(int workerIndex)
    {
        KernelScratch scratch = _scratch[workerIndex];
        long seen = 0;
        while (!_disposed)
        {
            int spins = 0;
            while (!HasWork(seen) && !_disposed && spins++ < SpinIterations) Thread.SpinWait(8);
            if (!HasWork(seen) && !_disposed)
            {
                lock (_gate)
                {
                    // The increment is a full fence, pairing with the exchange in Run: either Run sees a
                    // sleeper and pulses, or this thread sees the new work before waiting.
                    Interlocked.Increment(ref _sleepers);
                    while (!HasWork(seen) && !_disposed) Monitor.Wait(_gate);
                    Interlocked.Decrement(ref _sleepers);
                }
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            RunTasks(scratch);
            Interlocked.Add(ref _workerAllocatedBytes, GC.GetAllocatedBytesForCurrentThread() - allocated);
            seen = Volatile.Read(ref _work); // exhausted: wait for a different word
        }
    }

    /// <summary>Stops the pool threads. Not to be called while a region runs.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (_gate) Monitor.PulseAll(_gate);
        foreach (var t in _threads) t.Join();
    }
}
