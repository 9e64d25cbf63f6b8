using Mote.Format;
using Mote.Kernels.Quantized;
using Mote.Kernels.Threading;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Quantization;

/// <summary>
/// The integer product shared by MatMulInteger and QLinearMatMul: <c>acc = (A − a_zero_point)·(B − b_zero_point)</c>
/// in int32 with NumPy matmul semantics (a 1-D A is a row, a 1-D B a column, batch dimensions broadcast), on
/// <see cref="QGemmKernel"/>. Zero points are per tensor, per row of A or per column of B (<see cref="MatMulParams"/>).
/// A constant B (with a constant or absent zero point) is packed once per matrix.
/// </summary>
/// <remarks>
/// When B is a single matrix every matrix of A shares it, and A's matrices are consecutive rows: the whole product
/// is one GEMM of M = batches·rows. Otherwise one GEMM per output matrix. Either way the GEMM splits across the pool.
/// </remarks>
internal sealed unsafe class QuantizedMatMul
{
    private const int MaxRank = 16;

    private readonly int _a, _aZero, _b, _bZero;
    private readonly QGemmKernel _gemm;
    private readonly QGemmPackedB[]? _packedB;

    public QuantizedMatMul(NodeDef node, BuildContext build, int a, int aZero, int b, int bZero)
    {
        (_a, _aZero, _b, _bZero) = (a, aZero, b, bZero);
        _gemm = QuantKernelSet.Create(build.Kernels.Features).QGemm;
        _packedB = TryPackB(node, build);
    }

    /// <summary>Validates types and shapes of A, B and their zero points; returns the output shape.</summary>
    public int[] InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(_a, "A", QuantTypes.EightBit);
        ctx.ExpectType(_b, "B", QuantTypes.EightBit);
        var a = ctx.InputShape(_a);
        var b = ctx.InputShape(_b);
        if (a.Length == 0 || b.Length == 0)
            throw new MoteShapeException("matrix product inputs must have rank ≥ 1");
        if (a.Length > MaxRank || b.Length > MaxRank)
            throw new MoteNotSupportedException($"ranks up to {MaxRank} are supported");
        int k = a[^1], kb = b.Length == 1 ? b[0] : b[^2];
        if (k != kb)
            throw new MoteShapeException($"A {ShapeMath.Format(a)} and B {ShapeMath.Format(b)} disagree on K ({k} vs {kb})");
        CheckZero(ctx, _aZero, _a, true, "a_zero_point");
        CheckZero(ctx, _bZero, _b, false, "b_zero_point");
        var aBatch = a.Length > 2 ? a[..^2] : [];
        var bBatch = b.Length > 2 ? b[..^2] : [];
        int r = Math.Max(aBatch.Length, bBatch.Length);
        var y = new List<int>();
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - aBatch.Length) >= 0 ? aBatch[i - (r - aBatch.Length)] : 1;
            int db = i - (r - bBatch.Length) >= 0 ? bBatch[i - (r - bBatch.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new MoteShapeException($"batch dimensions of A {ShapeMath.Format(a)} and B {ShapeMath.Format(b)} do not broadcast");
            y.Add(da == 1 ? db : da);
        }
        if (a.Length > 1)
            y.Add(a[^2]);
        if (b.Length > 1)
            y.Add(b[^1]);
        return [.. y];
    }

    private static void CheckZero(ShapeContext ctx, int zero, int operand, bool forA, string name)
    {
        if (!ctx.HasInput(zero))
            return;
        if (ctx.InputType(zero) != ctx.InputType(operand))
            throw new MoteShapeException($"{name} is {ctx.InputType(zero).ShortName()} but its operand is {ctx.InputType(operand).ShortName()}");
        MatMulParams.Check(ctx.InputShape(zero), ctx.InputShape(operand), forA, name);
    }

    /// <summary>Scratch bytes <see cref="Run"/> needs for the expanded zero points.</summary>
    public long ScratchBytes(ShapeContext ctx) =>
        Align(ZeroCount(ctx, _aZero, _a, true) * sizeof(int)) + Align(ZeroCount(ctx, _bZero, _b, false) * sizeof(int));

    private static long ZeroCount(ShapeContext ctx, int zero, int operand, bool forA) =>
        ctx.HasInput(zero) ? MatMulParams.ExpandedCount(ctx.InputShape(zero), ctx.InputShape(operand), forA) : 0;

    /// <summary>Output matrices and the A and B matrix each reads.</summary>
    public readonly struct Batching
    {
        public int M { get; init; }
        public int N { get; init; }
        public int K { get; init; }
        /// <summary>Output matrices.</summary>
        public int Count { get; init; }
        /// <summary>Matrices of A and of B.</summary>
        public int ACount { get; init; }
        public int BCount { get; init; }
    }

    /// <summary>Sizes for the bound inputs.</summary>
    public Batching Describe(in NodeContext ctx)
    {
        var a = ctx.Input(_a);
        var b = ctx.Input(_b);
        int m = a.Rank == 1 ? 1 : a.Shape[^2], k = a.Shape[^1], n = b.Rank == 1 ? 1 : b.Shape[^1];
        int aCount = (int)MatMulParams.Batches(a.Shape), bCount = (int)MatMulParams.Batches(b.Shape);
        long count = 1;
        int r = Math.Max(a.Rank, b.Rank) - 2;
        for (int i = 0; i < r; i++)
            count *= Math.Max(BatchDim(a.Shape, i, r), BatchDim(b.Shape, i, r));
        return new Batching { M = m, N = n, K = k, Count = checked((int)count), ACount = aCount, BCount = bCount };
    }

    /// <summary>Batch dimension <paramref name="i"/> of <paramref name="s"/> right-aligned to <paramref name="r"/> batch dimensions.</summary>
    private static int BatchDim(int[] s, int i, int r)
    {
        int j = i - (r - Math.Max(0, s.Length - 2));
        return j >= 0 ? s[j] : 1;
    }

    /// <summary>Which matrix of A and of B output matrix <paramref name="t"/> multiplies.</summary>
    public static (int A, int B) Sources(int[] a, int[] b, int t)
    {
        int r = Math.Max(a.Length, b.Length) - 2;
        long ai = 0, bi = 0, aStride = 1, bStride = 1;
        for (int i = r - 1; i >= 0; i--)
        {
            int da = BatchDim(a, i, r), db = BatchDim(b, i, r), d = Math.Max(da, db);
            int idx = t % d;
            t /= d;
            ai += (da == 1 ? 0 : idx) * aStride;
            bi += (db == 1 ? 0 : idx) * bStride;
            aStride *= da;
            bStride *= db;
        }
        return ((int)ai, (int)bi);
    }

    /// <summary>Computes the int32 products of every output matrix into <paramref name="acc"/> (Count·M·N, dense).</summary>
    public void Run(in NodeContext ctx, in Batching g, int* acc, byte* scratch)
    {
        var a = ctx.Input(_a);
        var b = ctx.Input(_b);
        var za = ctx.Input(_aZero);
        var zb = ctx.Input(_bZero);
        int zaCount = za.IsNone ? 0 : (int)MatMulParams.ExpandedCount(za.Shape, a.Shape, true);
        int zbCount = zb.IsNone ? 0 : (int)MatMulParams.ExpandedCount(zb.Shape, b.Shape, false);
        var zeroA = new Span<int>(scratch, zaCount);
        var zeroB = new Span<int>(scratch + Align((long)zaCount * sizeof(int)), zbCount);
        if (!za.IsNone)
            MatMulParams.Expand(za, a.Shape, true, static (t, i) => QuantTypes.ReadInt(t, i), zeroA);
        if (!zb.IsNone)
            MatMulParams.Expand(zb, b.Shape, false, static (t, i) => QuantTypes.ReadInt(t, i), zeroB);
        var aType = QuantTypes.To8(a.Type);
        var bType = QuantTypes.To8(b.Type);
        int m = g.M, n = g.N, k = g.K;
        KernelThreadPool? pool = ctx.Pool;
        var aBytes = a.Bytes;
        var bBytes = b.Bytes;
        if (g.BCount == 1)
        {
            // One B for every matrix of A: A's matrices are consecutive rows of one tall matrix.
            int rows = checked(g.ACount * m);
            var opA = new QGemmOperand(aBytes, Math.Max(k, 1), aType, zeroA);
            var c = new Span<int>(acc, checked(rows * n));
            if (_packedB is not null)
                _gemm.Gemm(rows, opA, _packedB[0], c, Math.Max(n, 1), pool);
            else
                _gemm.Gemm(rows, n, k, opA, new QGemmOperand(bBytes, Math.Max(n, 1), bType, zeroB), c, Math.Max(n, 1), pool);
            return;
        }
        for (int t = 0; t < g.Count; t++)
        {
            var (ai, bi) = Sources(a.Shape, b.Shape, t);
            var opA = new QGemmOperand(aBytes.Slice(ai * m * k, m * k), Math.Max(k, 1), aType, zaCount <= 1 ? zeroA : zeroA.Slice(ai * m, m));
            var c = new Span<int>(acc + (long)t * m * n, m * n);
            if (_packedB is not null)
                _gemm.Gemm(m, opA, _packedB[bi], c, Math.Max(n, 1), pool);
            else
                _gemm.Gemm(m, n, k, opA, new QGemmOperand(bBytes.Slice(bi * k * n, k * n), Math.Max(n, 1), bType, zbCount <= 1 ? zeroB : zeroB.Slice(bi * n, n)),
                    c, Math.Max(n, 1), pool);
        }
    }

    /// <summary>Packs each matrix of a constant B with its zero points (constant or absent), or null.</summary>
    private QGemmPackedB[]? TryPackB(NodeDef node, BuildContext build)
    {
        if (!build.TryGetConstant(node.Input(_b), out var b) || b.Type is not (DataType.UInt8 or DataType.Int8) || b.Rank == 0 || b.Rank > MaxRank)
            return null;
        TensorValue zb = default;
        if (node.Input(_bZero).Length > 0 && (!build.TryGetConstant(node.Input(_bZero), out zb) || zb.Type != b.Type))
            return null;
        if (!zb.IsNone)
        {
            try
            {
                MatMulParams.Check(zb.Shape, b.Shape, false, "b_zero_point");
            }
            catch (MoteException)
            {
                return null; // InferShapes reports it.
            }
        }
        int k = b.Rank == 1 ? b.Shape[0] : b.Shape[^2], n = b.Rank == 1 ? 1 : b.Shape[^1];
        int count = (int)MatMulParams.Batches(b.Shape);
        var zeros = zb.IsNone ? [] : new int[MatMulParams.ExpandedCount(zb.Shape, b.Shape, false)];
        if (!zb.IsNone)
            MatMulParams.Expand(zb, b.Shape, false, static (t, i) => QuantTypes.ReadInt(t, i), zeros);
        var packed = new QGemmPackedB[count];
        var type = QuantTypes.To8(b.Type);
        var bytes = b.Bytes;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<int> z = zeros.Length <= 1 ? zeros : zeros.AsSpan(i * n, n);
            packed[i] = _gemm.PackB(k, n, new QGemmOperand(bytes.Slice(i * k * n, k * n), Math.Max(n, 1), type, z));
        }
        return packed;
    }

    public static long Align(long bytes) => (bytes + 63) & ~63L;
}
