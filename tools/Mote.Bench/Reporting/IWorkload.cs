using Mote.Kernels;

namespace Mote.Bench.Reporting;

/// <summary>A benchmark parameter that knows how many floating-point operations one benchmark invocation does.</summary>
public interface IWorkload
{
    /// <summary>Flops per invocation (a multiply-add counts as two).</summary>
    double Flops { get; }
}

/// <summary>A benchmark parameter that knows which vector width its kernel uses (for "% of peak").</summary>
public interface ITiered
{
    /// <summary>The variant's instruction-set tier.</summary>
    KernelTier Tier { get; }
}
