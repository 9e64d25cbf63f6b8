using System.Globalization;
using Mote.Bench.Reporting;

namespace Mote.Bench.Gemm;

/// <summary>One GEMM size: op(A) is M×K, op(B) K×N, C M×N; <see cref="Source"/> says which model layer it is.</summary>
public sealed record GemmShape(int M, int K, int N, string Source) : IWorkload
{
    /// <inheritdoc/>
    public double Flops => 2.0 * M * K * N;

    /// <summary><c>M×K×N source</c>, as the table shows it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{M}x{K}x{N} {Source}");
}
