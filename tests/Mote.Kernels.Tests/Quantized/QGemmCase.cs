using Mote.Kernels.Quantized;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Tests.Quantized;

internal enum QGemmEntry { General, PackedA, PackedB }

/// <summary>How a case's zero points are given.</summary>
internal enum ZeroKind { None, PerTensor, PerIndex }

/// <summary>
/// One integer GEMM problem: guarded 8-bit inputs (the last element of each against an inaccessible page), an
/// output whose stride gaps and trailing rows hold a sentinel, and the expected sums from a naive loop written
/// here from the definition (int64 sums, wrapped to int32 at the end as the kernels' int32 sums wrap).
/// </summary>
internal sealed class QGemmCase
{
    public const int Sentinel = unchecked((int)0xDEADBEEF);

    public int M, N, K, Pad, Seed = 1;
    public QuantType8 AType, BType;
    public ZeroKind AZero, BZero;
    /// <summary>Fill A and B with the extremes of their types instead of random values.</summary>
    public bool Extremes;
    /// <summary>Fill A and B with this one byte (overrides the random fill).</summary>
    public byte? Fill;

    public int Lda => K + Pad;
    public int Ldb => N + Pad;
    public int Ldc => N + Pad;

    public override string ToString() => $"M={M} N={N} K={K} A={AType}/{AZero} B={BType}/{BZero} pad={Pad} extremes={Extremes}";

    private static int Needed(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;

    private byte[] Matrix(int rows, int cols, int ld, QuantType8 type, int seed)
    {
        var rng = new Random(seed);
        var v = new byte[Needed(rows, cols, ld)];
        if (Fill is { } f)
        {
            Array.Fill(v, f);
            return v;
        }
        for (int i = 0; i < v.Length; i++)
            v[i] = Extremes ? (byte)(type == QuantType8.QS8 ? (rng.Next(2) == 0 ? 0x80 : 0x7F) : (rng.Next(2) == 0 ? 0 : 255)) : (byte)rng.Next(256);
        return v;
    }

    private static int[] Zeros(ZeroKind kind, int count, QuantType8 type, int seed)
    {
        var rng = new Random(seed);
        int n = kind switch { ZeroKind.None => 0, ZeroKind.PerTensor => 1, _ => count };
        var z = new int[n];
        for (int i = 0; i < n; i++)
            z[i] = rng.Next(type.Min(), type.Max() + 1);
        // Include the range ends: they make (x − z) reach ±255.
        if (n > 0) z[0] = type.Max();
        if (n > 1) z[1] = type.Min();
        return z;
    }

    public byte[] A => Matrix(M, K, Lda, AType, Seed * 5 + 1);
    public byte[] B => Matrix(K, N, Ldb, BType, Seed * 5 + 2);
    public int[] ZA => Zeros(AZero, M, AType, Seed * 5 + 3);
    public int[] ZB => Zeros(BZero, N, BType, Seed * 5 + 4);

    /// <summary>Runs the kernel; returns C (M rows of stride Ldc, then one more row) including gaps.</summary>
    public int[] Run(QGemmKernel kernel, QGemmEntry entry = QGemmEntry.General, KernelThreadPool? pool = null)
    {
        byte[] a = A, b = B;
        int[] za = ZA, zb = ZB;
        using var ga = GuardedMemory<byte>.From(a);
        using var gb = GuardedMemory<byte>.From(b);
        using var gc = new GuardedMemory<int>((M + 1) * Ldc);
        gc.Span.Fill(Sentinel);
        var opA = new QGemmOperand(ga.Span, Lda, AType, za);
        var opB = new QGemmOperand(gb.Span, Ldb, BType, zb);
        switch (entry)
        {
            case QGemmEntry.PackedA:
                kernel.Gemm(kernel.PackA(M, K, opA), N, opB, gc.Span, Ldc, pool);
                break;
            case QGemmEntry.PackedB:
                kernel.Gemm(M, opA, kernel.PackB(K, N, opB), gc.Span, Ldc, pool);
                break;
            default:
                kernel.Gemm(M, N, K, opA, opB, gc.Span, Ldc, pool);
                break;
        }
        return gc.Span.ToArray();
    }

    /// <summary>The definition, element by element.</summary>
    public int[] Expected()
    {
        byte[] a = A, b = B;
        int[] za = ZA, zb = ZB;
        var c = new int[(M + 1) * Ldc];
        Array.Fill(c, Sentinel);
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++)
            {
                long sum = 0;
                int zam = za.Length == 0 ? 0 : za[za.Length == 1 ? 0 : m];
                int zbn = zb.Length == 0 ? 0 : zb[zb.Length == 1 ? 0 : n];
                for (int k = 0; k < K; k++)
                    sum += (long)(AType.Read(a[m * Lda + k]) - zam) * (BType.Read(b[k * Ldb + n]) - zbn);
                c[m * Ldc + n] = unchecked((int)sum);
            }
        return c;
    }

    public void Check(QGemmKernel kernel, QGemmEntry entry = QGemmEntry.General, KernelThreadPool? pool = null)
    {
        var expected = Expected();
        var actual = Run(kernel, entry, pool);
        for (int i = 0; i < expected.Length; i++)
            if (expected[i] != actual[i])
                Assert.Fail($"{kernel.Name} {entry} {this}: C[{i / Ldc}, {i % Ldc}] = {actual[i]}, expected {expected[i]}" +
                    (expected[i] == Sentinel ? " (outside the output: must stay untouched)" : ""));
    }
}
