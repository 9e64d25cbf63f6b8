using Mote.Kernels.Threading;

namespace Mote.Kernels.Gemm;

/// <summary>
/// Single-precision GEMM: <c>C = act(alpha·op(A)·op(B) + beta·C + bias)</c>, row-major, where op(A) is
/// M×K and op(B) is K×N. One instance per variant (see <see cref="KernelRegistry"/>); a session gets the
/// best one from <c>KernelSet.Sgemm</c>.
/// </summary>
/// <remarks>
/// <para>Layout contract. A is stored M×K with row stride <c>lda ≥ K</c>, or K×M (<c>lda ≥ M</c>) when
/// <c>transA</c>; B is K×N (<c>ldb ≥ N</c>), or N×K (<c>ldb ≥ K</c>) when <c>transB</c>; C is M×N with
/// <c>ldc ≥ N</c>. Spans must reach the last element used (<c>(rows−1)·ld + cols</c>); no alignment is
/// required. C must not overlap A, B or the bias. When <c>beta</c> is 0, C is not read (NaN in C is
/// ignored). Elements of C outside the M×N window (the <c>ld</c> gaps) are never touched.</para>
/// <para>Three entry shapes: both operands packed on the fly (<see cref="Gemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, in GemmEpilogue, KernelThreadPool?)"/>);
/// constant B packed once (<see cref="PackB"/>, fully connected layers); constant A packed once
/// (<see cref="PackA"/>, convolution weights). All three give bit-identical results for the same inputs, and
/// so does any thread count: work is split by output tiles and every element is summed in the same order.</para>
/// <para>Scratch: packing buffers come from the pool's per-participant <see cref="KernelScratch"/>, or from a
/// per-thread one when <c>pool</c> is null; nothing is allocated once they have grown.</para>
/// </remarks>
public abstract unsafe class SgemmKernel
{
    /// <summary>Variant name, e.g. <c>Sgemm8x48Avx512</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The instruction-set tier of this variant.</summary>
    public abstract KernelTier Tier { get; }

    /// <summary>MR: rows of op(A) per microkernel tile (and per packed A panel).</summary>
    public abstract int TileRows { get; }

    /// <summary>NR: columns of op(B) per microkernel tile (and per packed B panel).</summary>
    public abstract int TileColumns { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>General GEMM: both operands are read (and packed as needed) on every call.</summary>
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        in GemmEpilogue epilogue = default, KernelThreadPool? pool = null)
    {
        CheckSizes(m, n, k);
        CheckMatrix(a, transA ? k : m, transA ? m : k, lda, nameof(a));
        CheckMatrix(b, transB ? n : k, transB ? k : n, ldb, nameof(b));
        CheckOutput(c, m, n, ldc, epilogue, a, b);
        fixed (float* pa = a, pb = b, pc = c, pbias = epilogue.Bias, pres = epilogue.Residual)
        {
            var args = Args(m, n, k, alpha, beta, pc, ldc, pbias, pres, epilogue);
            args.A = pa; args.Lda = lda; args.TransA = transA;
            args.B = pb; args.Ldb = ldb; args.TransB = transB;
            Compute(in args, pool);
        }
    }

    /// <summary>GEMM with B packed once by <see cref="PackB"/> (K and N come from it).</summary>
    public void Gemm(bool transA, int m, float alpha, ReadOnlySpan<float> a, int lda, SgemmPackedB b,
        float beta, Span<float> c, int ldc, in GemmEpilogue epilogue = default, KernelThreadPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(b);
        CheckLayout(b);
        int n = b.Columns, k = b.Depth;
        CheckSizes(m, n, k);
        CheckMatrix(a, transA ? k : m, transA ? m : k, lda, nameof(a));
        CheckOutput(c, m, n, ldc, epilogue, a, default);
        fixed (float* pa = a, pc = c, pbias = epilogue.Bias, pres = epilogue.Residual)
        {
            var args = Args(m, n, k, alpha, beta, pc, ldc, pbias, pres, epilogue);
            args.A = pa; args.Lda = lda; args.TransA = transA;
            args.PackedB = b.Pointer;
            Compute(in args, pool);
            GC.KeepAlive(b); // b owns the pinned array behind the pointer: it must outlive the computation
        }
    }

    /// <summary>GEMM with A packed once by <see cref="PackA"/> (M and K come from it).</summary>
    public void Gemm(SgemmPackedA a, bool transB, int n, float alpha, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, in GemmEpilogue epilogue = default, KernelThreadPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        CheckLayout(a);
        int m = a.Rows, k = a.Depth;
        CheckSizes(m, n, k);
        CheckMatrix(b, transB ? n : k, transB ? k : n, ldb, nameof(b));
        CheckOutput(c, m, n, ldc, epilogue, default, b);
        fixed (float* pb = b, pc = c, pbias = epilogue.Bias, pres = epilogue.Residual)
        {
            var args = Args(m, n, k, alpha, beta, pc, ldc, pbias, pres, epilogue);
            args.PackedA = a.Pointer;
            args.B = pb; args.Ldb = ldb; args.TransB = transB;
            Compute(in args, pool);
            GC.KeepAlive(a); // a owns the pinned array behind the pointer: it must outlive the computation
        }
    }

    /// <summary>
    /// GEMM with A packed once by <see cref="PackA"/> and B (K×<paramref name="n"/>) already laid out by the
    /// caller in this variant's panels (<see cref="TileColumns"/> columns each; see <see cref="NeuralNet.Im2ColPanels"/>,
    /// which builds convolution columns that way): panel p at <c>p·K·NR</c> holds columns [p·NR, p·NR + NR) as
    /// K rows of NR floats, the last panel padded with finite values.
    /// </summary>
    public void Gemm(SgemmPackedA a, int n, float alpha, ReadOnlySpan<float> bPanels, float beta, Span<float> c, int ldc,
        in GemmEpilogue epilogue = default, KernelThreadPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        CheckLayout(a);
        int m = a.Rows, k = a.Depth;
        CheckSizes(m, n, k);
        long need = (long)(n + TileColumns - 1) / TileColumns * TileColumns * k;
        if (bPanels.Length < need)
            throw new ArgumentException($"B panels hold {bPanels.Length} floats; {n} columns of depth {k} need {need}.", nameof(bPanels));
        CheckOutput(c, m, n, ldc, epilogue, default, bPanels);
        fixed (float* pb = bPanels, pc = c, pbias = epilogue.Bias, pres = epilogue.Residual)
        {
            var args = Args(m, n, k, alpha, beta, pc, ldc, pbias, pres, epilogue);
            args.PackedA = a.Pointer;
            args.PackedB = pb;
            Compute(in args, pool);
            GC.KeepAlive(a); // a owns the pinned array behind the pointer: it must outlive the computation
        }
    }

    /// <summary>
    /// GEMM with A packed once by <see cref="PackA"/> and B given as K row pointers: row k's <paramref name="n"/>
    /// columns are contiguous at <c>bRows[k]</c>, and each row must stay readable for <see cref="TileColumns"/> − 1
    /// floats past its end (the last panel reads whole vectors). Convolution points the rows into a zero-padded
    /// copy of its input (the implicit GEMM), so no im2col matrix is ever written. The caller keeps the
    /// pointers valid for the call; they are not bounds-checked.
    /// </summary>
    public void Gemm(SgemmPackedA a, int n, float alpha, float** bRows, float beta, Span<float> c, int ldc,
        in GemmEpilogue epilogue = default, KernelThreadPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        CheckLayout(a);
        int m = a.Rows, k = a.Depth;
        CheckSizes(m, n, k);
        if (bRows == null && k > 0 && n > 0)
            throw new ArgumentNullException(nameof(bRows));
        CheckOutput(c, m, n, ldc, epilogue, default, default);
        fixed (float* pc = c, pbias = epilogue.Bias, pres = epilogue.Residual)
        {
            var args = Args(m, n, k, alpha, beta, pc, ldc, pbias, pres, epilogue);
            args.PackedA = a.Pointer;
            args.BRows = bRows;
            Compute(in args, pool);
            GC.KeepAlive(a); // a owns the pinned array behind the pointer: it must outlive the computation
        }
    }

    /// <summary>Packs op(A) (M×K) once for repeated <see cref="Gemm(SgemmPackedA, bool, int, float, ReadOnlySpan{float}, int, float, Span{float}, int, in GemmEpilogue, KernelThreadPool?)"/> calls.</summary>
    public SgemmPackedA PackA(bool transA, int m, int k, ReadOnlySpan<float> a, int lda)
    {
        CheckSizes(m, 0, k);
        CheckMatrix(a, transA ? k : m, transA ? m : k, lda, nameof(a));
        var packed = new SgemmPackedA(Name, m, k, TileRows);
        fixed (float* pa = a) SgemmPacking.PackA(pa, lda, transA, m, 0, k, TileRows, packed.Pointer);
        return packed;
    }

    /// <summary>Packs op(B) (K×N) once for repeated <see cref="Gemm(bool, int, float, ReadOnlySpan{float}, int, SgemmPackedB, float, Span{float}, int, in GemmEpilogue, KernelThreadPool?)"/> calls.</summary>
    public SgemmPackedB PackB(bool transB, int k, int n, ReadOnlySpan<float> b, int ldb)
    {
        CheckSizes(0, n, k);
        CheckMatrix(b, transB ? n : k, transB ? k : n, ldb, nameof(b));
        var packed = new SgemmPackedB(Name, k, n, TileColumns);
        fixed (float* pb = b) SgemmPacking.PackB(pb, ldb, transB, n, 0, k, TileColumns, packed.Pointer);
        return packed;
    }

    /// <summary>Runs one validated call. Packed operands use this variant's panel layout.</summary>
    private protected abstract void Compute(in GemmArgs args, KernelThreadPool? pool);

    private static GemmArgs Args(int m, int n, int k, float alpha, float beta, float* c, int ldc, float* bias, float* residual, in GemmEpilogue e) => new()
    {
        M = m, N = n, K = k, Alpha = alpha, Beta = beta, C = c, Ldc = ldc,
        Bias = e.BiasKind == GemmBiasKind.None ? null : bias,
        Residual = e.Residual.IsEmpty ? null : residual,
        BiasKind = e.BiasKind, Activation = e.Activation,
    };

    private void CheckLayout(SgemmPacked packed)
    {
        if (packed.Layout != Name)
            throw new ArgumentException($"Operand was packed by {packed.Layout}, not {Name}.", nameof(packed));
    }

    private static void CheckSizes(int m, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
    }

    private static void CheckMatrix(ReadOnlySpan<float> x, int rows, int cols, int ld, string name)
    {
        if (ld < cols || ld < 0) throw new ArgumentOutOfRangeException(name, $"Leading dimension {ld} < {cols} columns.");
        long need = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (x.Length < need) throw new ArgumentException($"{name} holds {x.Length} floats; {rows}×{cols} with stride {ld} needs {need}.", name);
    }

    private static void CheckOutput(Span<float> c, int m, int n, int ldc, in GemmEpilogue e, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckMatrix(c, m, n, ldc, nameof(c));
        int biasNeed = e.BiasKind switch
        {
            GemmBiasKind.None => 0,
            GemmBiasKind.PerRow => m,
            GemmBiasKind.PerColumn => n,
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.BiasKind, "Unknown bias kind."),
        };
        if (e.Bias.Length < biasNeed) throw new ArgumentException($"Bias holds {e.Bias.Length} floats; {e.BiasKind} needs {biasNeed}.", nameof(e));
        long residualNeed = m == 0 || n == 0 ? 0 : (long)(m - 1) * ldc + n;
        if (!e.Residual.IsEmpty && e.Residual.Length < residualNeed)
            throw new ArgumentException($"Residual holds {e.Residual.Length} floats; {m}×{n} with C's stride {ldc} needs {residualNeed}.", nameof(e));
        ReadOnlySpan<float> cr = c;
        if (cr.Overlaps(a) || cr.Overlaps(b) || (biasNeed > 0 && cr.Overlaps(e.Bias)) || cr.Overlaps(e.Residual))
            throw new ArgumentException("C must not overlap A, B, the bias or the residual.", nameof(c));
    }
}
