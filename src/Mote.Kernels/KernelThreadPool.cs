namespace Mote.Kernels;

/// <summary>Placeholder until the thread pool lands (wip/kernels).</summary>
public sealed class KernelThreadPool(int threads) : IDisposable
{
    /// <summary>Threads including the caller.</summary>
    public int Threads { get; } = threads;

    /// <inheritdoc/>
    public void Dispose() { }
}
