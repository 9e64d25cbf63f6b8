using Mote.Kernels;

namespace Mote.Runtime;

/// <summary>How a session executes.</summary>
public sealed class SessionOptions
{
    /// <summary>Threads used inside one run (the calling thread included). Default 1; at most 256.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Instruction-set features the kernel table may use; null detects this CPU. Set a reduced set
    /// (for example <see cref="CpuFeatures.None"/>) to run the reference kernels.
    /// </summary>
    public CpuFeatures? Features { get; init; }

    /// <summary>How many execution plans (one per distinct set of input shapes) are kept. Default 16.</summary>
    public int MaxCachedPlans { get; init; } = 16;

    /// <summary>
    /// Times every node of every run into <see cref="InferenceSession.Profile"/>. Off by default: it costs two
    /// timestamp reads per node.
    /// </summary>
    public bool EnableProfiling { get; init; }

    internal void Validate()
    {
        if (Threads is < 1 or > 256)
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be between 1 and 256");
        if (MaxCachedPlans < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxCachedPlans), MaxCachedPlans, "at least one plan must be cached");
    }
}
