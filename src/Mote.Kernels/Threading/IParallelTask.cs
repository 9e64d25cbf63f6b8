namespace Mote.Kernels.Threading;

/// <summary>
/// The body of a parallel region run by <see cref="KernelThreadPool.Run{TTask}(TTask, int)"/>: an
/// unmanaged struct (pointers and sizes, no references), so handing it to worker threads allocates nothing.
/// </summary>
public interface IParallelTask
{
    /// <summary>
    /// Runs task <paramref name="taskIndex"/> (0 ≤ index &lt; task count) with the <paramref name="scratch"/>
    /// of the participant running it. Each index runs exactly once; which participant runs it is not
    /// deterministic, so a task must write only outputs that belong to its index.
    /// </summary>
    void Execute(int taskIndex, KernelScratch scratch);
}
