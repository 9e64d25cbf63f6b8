using Mote.Kernels.Threading;

namespace Mote.Kernels.Quantized;

/// <summary>
/// Integer GEMM with int32 accumulation: <c>C[m, n] = Σ_k (A[m, k] − za[m]) · (B[k, n] − zb[n])</c> for 8-bit
/// A and B (each unsigned or signed), the core of MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv.
/// One instance per variant (see <see cref="QuantKernelRegistry"/>); every variant gives exactly the reference's
/// int32 results (sums wrap modulo 2³² like the reference's, which real 8-bit data never reaches below
/// K ≈ 33 000).
/// </summary>
/// <remarks>
/// <para>Layout contract. A is M×K row-major with row stride <c>lda ≥ K</c>, B is K×N with <c>ldb ≥ N</c>, C is
/// M×N int32 with <c>ldc ≥ N</c>; spans must reach the last element used. C must not overlap A or B, and
/// elements of C outside the M×N window are never touched. Zero points: see <see cref="QGemmOperand"/>.</para>
/// <para>Three entry shapes, as for SGEMM: both operands read on every call; A packed once
/// (<see cref="PackA"/>: convolution weights, per-output-channel zero points); B packed once
/// (<see cref="PackB"/>: MatMul weights, per-column zero points). How a variant packs is its own business
/// (16-bit pairs for multiply-add-adjacent, 8-bit quads with column sums for a dot-product variant), which is
/// why packed operands are bound to the variant that made them.</para>
/// <para>Threads: the output is split into rectangles across <c>pool</c>; integer sums do not depend on the
/// split, so every thread count gives the same results. Scratch comes from the participant's
/// <see cref="KernelScratch"/>.</para>
/// </remarks>
public abstract unsafe class QGemmKernel
{
    /// <summary>Variant name, e.g. <c>QGemm6x16Avx2</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The instruction-set tier of this variant.</summary>
    public abstract KernelTier Tier { get; }

    /// <summary>MR: rows of A per register tile.</summary>
    public abstract int TileRows { get; }

    /// <summary>NR: columns of B per register tile.</summary>
    public abstract int TileColumns { get; }

    /// <summary>Whether a process with <paramref name="features"/> may run this variant (the tier, plus any extra extension).</summary>
    public virtual bool IsSupportedBy(CpuFeatures features) => Tier.IsSupportedBy(features);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>General product: both operands are read (and packed as needed) on every call.</summary>
    public void Gemm(int m, int n, int k, QGemmOperand a, QGemmOperand b, Span<int> c, int ldc, KernelThreadPool? pool = null)
    {
        CheckSizes(m, n, k);
        CheckOperand(a, m, k, m, nameof(a));
        CheckOperand(b, k, n, n, nameof(b));
        CheckOutput(c, m, n, ldc);
        fixed (byte* pa = a.Data, pb = b.Data)
        fixed (int* za = a.ZeroPoints, zb = b.ZeroPoints, pc = c)
        {
            var args = Args(m, n, k, pc, ldc);
            SetA(ref args, pa, a, za);
            SetB(ref args, pb, b, zb);
            Run(in args, pool);
        }
    }

    /// <summary>Product with A packed once by <see cref="PackA"/> (M and K come from it).</summary>
    public void Gemm(QGemmPackedA a, int n, QGemmOperand b, Span<int> c, int ldc, KernelThreadPool? pool = null)
    {
        CheckPacked(a);
        int m = a.Rows, k = a.Columns;
        CheckSizes(m, n, k);
        CheckOperand(b, k, n, n, nameof(b));
        CheckOutput(c, m, n, ldc);
        fixed (byte* pb = b.Data)
        fixed (int* zb = b.ZeroPoints, pc = c)
        {
            var args = Args(m, n, k, pc, ldc);
            args.PackedA = a.Pointer;
            SetB(ref args, pb, b, zb);
            Run(in args, pool);
            GC.KeepAlive(a); // a owns the pinned array behind the pointer: it must outlive the computation
        }
    }

    /// <summary>Product with B packed once by <see cref="PackB"/> (K and N come from it).</summary>
    public void Gemm(int m, QGemmOperand a, QGemmPackedB b, Span<int> c, int ldc, KernelThreadPool? pool = null)
    {
        CheckPacked(b);
        int k = b.Rows, n = b.Columns;
        CheckSizes(m, n, k);
        CheckOperand(a, m, k, m, nameof(a));
        CheckOutput(c, m, n, ldc);
        fixed (byte* pa = a.Data)
        fixed (int* za = a.ZeroPoints, pc = c)
        {
            var args = Args(m, n, k, pc, ldc);
            SetA(ref args, pa, a, za);
            args.PackedB = b.Pointer;
            Run(in args, pool);
            GC.KeepAlive(b); // b owns the pinned array behind the pointer: it must outlive the computation
        }
    }

    /// <summary>Packs an M×K left operand (with its zero points) for repeated <see cref="Gemm(QGemmPackedA, int, QGemmOperand, Span{int}, int, KernelThreadPool?)"/> calls.</summary>
    public QGemmPackedA PackA(int m, int k, QGemmOperand a)
    {
        CheckSizes(m, 0, k);
        CheckOperand(a, m, k, m, nameof(a));
        var packed = new QGemmPackedA(Name, m, k, PackedALength(m, k));
        fixed (byte* pa = a.Data)
        fixed (int* za = a.ZeroPoints)
        {
            var args = Args(m, 0, k, null, 0);
            SetA(ref args, pa, a, za);
            PackACore(in args, packed.Pointer);
        }
        return packed;
    }

    /// <summary>Packs a K×N right operand (with its zero points) for repeated <see cref="Gemm(int, QGemmOperand, QGemmPackedB, Span{int}, int, KernelThreadPool?)"/> calls.</summary>
    public QGemmPackedB PackB(int k, int n, QGemmOperand b)
    {
        CheckSizes(0, n, k);
        CheckOperand(b, k, n, n, nameof(b));
        var packed = new QGemmPackedB(Name, k, n, PackedBLength(k, n));
        fixed (byte* pb = b.Data)
        fixed (int* zb = b.ZeroPoints)
        {
            var args = Args(0, n, k, null, 0);
            SetB(ref args, pb, b, zb);
            PackBCore(in args, packed.Pointer);
        }
        return packed;
    }

    /// <summary>Ints a packed M×K A takes.</summary>
    private protected abstract int PackedALength(int m, int k);

    /// <summary>Ints a packed K×N B takes.</summary>
    private protected abstract int PackedBLength(int k, int n);

    /// <summary>Packs all of A (args.A, zero points) into <paramref name="dst"/>.</summary>
    private protected abstract void PackACore(in QGemmArgs args, int* dst);

    /// <summary>Packs all of B into <paramref name="dst"/>.</summary>
    private protected abstract void PackBCore(in QGemmArgs args, int* dst);

    /// <summary>Computes C for validated arguments with M, N ≥ 1.</summary>
    private protected abstract void Compute(in QGemmArgs args, KernelThreadPool? pool);

    private void Run(in QGemmArgs args, KernelThreadPool? pool)
    {
        if (args.M == 0 || args.N == 0)
            return;
        if (args.K == 0)
        {
            for (int r = 0; r < args.M; r++)
                new Span<int>(args.C + (nint)r * args.Ldc, args.N).Clear();
            return;
        }
        Compute(in args, pool);
    }

    private static QGemmArgs Args(int m, int n, int k, int* c, int ldc) => new() { M = m, N = n, K = k, C = c, Ldc = ldc };

    private static void SetA(ref QGemmArgs args, byte* p, QGemmOperand a, int* z)
    {
        args.A = p;
        args.Lda = a.Ld;
        args.ASigned = a.Type == QuantType8.QS8;
        args.ZeroA = z;
        args.ZeroACount = a.ZeroPoints.Length;
    }

    private static void SetB(ref QGemmArgs args, byte* p, QGemmOperand b, int* z)
    {
        args.B = p;
        args.Ldb = b.Ld;
        args.BSigned = b.Type == QuantType8.QS8;
        args.ZeroB = z;
        args.ZeroBCount = b.ZeroPoints.Length;
    }

    private void CheckPacked(QGemmPacked p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Variant != Name)
            throw new ArgumentException($"Operand was packed by {p.Variant}, not {Name}.", nameof(p));
    }

    private static void CheckSizes(int m, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
    }

    /// <summary>A rows × cols operand; <paramref name="zeroCount"/> is the per-row (A) or per-column (B) count allowed.</summary>
    private static void CheckOperand(QGemmOperand o, int rows, int cols, int zeroCount, string name)
    {
        if (o.Ld < cols)
            throw new ArgumentOutOfRangeException(name, $"Row stride {o.Ld} < {cols} columns.");
        long need = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * o.Ld + cols;
        if (o.Data.Length < need)
            throw new ArgumentException($"Operand holds {o.Data.Length} elements; {rows}×{cols} with stride {o.Ld} needs {need}.", name);
        int z = o.ZeroPoints.Length;
        if (z > 1 && z != zeroCount)
            throw new ArgumentException($"{z} zero points; expected 0, 1 or {zeroCount}.", name);
        o.Type.CheckZeroPoints(o.ZeroPoints, name);
    }

    private static void CheckOutput(Span<int> c, int m, int n, int ldc)
    {
        if (ldc < n)
            throw new ArgumentOutOfRangeException(nameof(ldc), $"Row stride {ldc} < {n} columns.");
        long need = m == 0 || n == 0 ? 0 : (long)(m - 1) * ldc + n;
        if (c.Length < need)
            throw new ArgumentException($"C holds {c.Length} elements; {m}×{n} with stride {ldc} needs {need}.", nameof(c));
    }
}
