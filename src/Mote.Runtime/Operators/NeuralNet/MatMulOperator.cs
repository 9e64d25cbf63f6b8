using System.Numerics;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Kernels;
using Mote.Kernels.Gemm;
using Mote.Kernels.NeuralNet;
using Mote.Kernels.Threading;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>
/// ONNX MatMul with NumPy semantics (f32 on the SGEMM kernels; f64, int32, int64, uint32, uint64 on a scalar
/// reference): a 1-D A is a row [1, K] and a 1-D B a column [K, 1] (the added
/// dimension is dropped from the result); leading (batch) dimensions broadcast. A constant B is packed at load.
/// A third input (a Mote extension the converter writes for MatMul + Add, f32 only) is a bias of N values added
/// to every row as the GEMM stores it, like the fused activation.
/// </summary>
/// <remarks>
/// When B is a single matrix (rank ≤ 2, or batch dimensions all 1) every batch of A shares it, and A's
/// batches are contiguous rows: the whole product is one GEMM with M = batch·rows (the transformer case
/// [B, S, K]×[K, N]). Otherwise one GEMM per output batch (attention scores, Q·Kᵀ): split across the pool
/// by batch when there are enough batches, else each GEMM is split across the pool. Both give the same bits.
/// </remarks>
internal sealed unsafe class MatMulOperator : Operator
{
    private const int MaxRank = 16;

    private static readonly DataType[] Types = [DataType.Float32, DataType.Float64, DataType.Int32, DataType.Int64, DataType.UInt32, DataType.UInt64];

    private readonly SgemmKernel _sgemm;
    private readonly SgemmPackedB[]? _packedB;
    private readonly Activation _activation;

    public MatMulOperator(NodeDef node, BuildContext build) : base(node)
    {
        _activation = FusedActivation.Read(node);
        _sgemm = build.Kernels.Sgemm;
        if (build.TryGetConstant(node.Input(1), out var b) && b.Type == DataType.Float32 && b.Rank >= 1)
        {
            int k = b.Rank == 1 ? b.Shape[0] : b.Shape[^2], n = b.Rank == 1 ? 1 : b.Shape[^1];
            int batches = (int)(b.Count / Math.Max(1L, (long)k * n));
            if (b.Rank > 2 && b.Count == 0)
                batches = 0;
            var data = b.Span<float>();
            _packedB = new SgemmPackedB[Math.Max(1, batches)];
            for (int i = 0; i < _packedB.Length; i++)
                _packedB[i] = build.Kernels.Sgemm.PackB(false, k, n, batches == 0 ? default : data.Slice(i * k * n, k * n), Math.Max(1, n));
        }
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "A", Types);
        ctx.ExpectType(1, "B", ctx.InputType(0));
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, "bias", DataType.Float32);
            ctx.ExpectType(0, "A", DataType.Float32);
        }
        if (ctx.InputType(0) != DataType.Float32 && !_activation.IsNone)
            throw new MoteNotSupportedException($"a fused activation needs f32, not {ctx.InputType(0).ShortName()}");
        var a = ctx.InputShape(0);
        var b = ctx.InputShape(1);
        if (a.Length == 0 || b.Length == 0)
            throw new MoteShapeException("MatMul inputs must have rank ≥ 1");
        if (a.Length > MaxRank || b.Length > MaxRank)
            throw new MoteNotSupportedException($"MatMul supports ranks up to {MaxRank}");
        int k = a[^1], kb = b.Length == 1 ? b[0] : b[^2];
        if (k != kb)
            throw new MoteShapeException($"A {ShapeMath.Format(a)} and B {ShapeMath.Format(b)} disagree on K ({k} vs {kb})");
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
        if (ctx.HasInput(2) && (ctx.InputShape(2) is not [var nb] || nb != (b.Length == 1 ? 1 : b[^1])))
            throw new MoteShapeException($"bias {ShapeMath.Format(ctx.InputShape(2))} must be [{(b.Length == 1 ? 1 : b[^1])}]");
        ctx.SetOutput(0, ctx.InputType(0), [.. y]);
    }

    public override void Execute(in NodeContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        var y = ctx.Output(0);
        if (y.Count == 0)
            return;
        var bias = ctx.Input(2);
        var args = new Batches
        {
            A = (float*)a.Data, B = (float*)b.Data, Y = (float*)y.Data, Bias = bias.IsNone ? null : (float*)bias.Data,
            M = a.Rank == 1 ? 1 : a.Shape[^2], K = a.Shape[^1], N = b.Rank == 1 ? 1 : b.Shape[^1],
        };
        int aRank = Math.Max(0, a.Rank - 2), bRank = Math.Max(0, b.Rank - 2), r = Math.Max(aRank, bRank);
        int* dims = stackalloc int[Math.Max(1, r)];
        long* aStrides = stackalloc long[Math.Max(1, r)];
        long* bStrides = stackalloc long[Math.Max(1, r)];
        long aCount = 1, bCount = 1, count = 1;
        // Batch strides in whole matrices, 0 along broadcast dimensions; walked from the innermost dimension.
        for (int i = r - 1; i >= 0; i--)
        {
            int ia = i - (r - aRank), ib = i - (r - bRank);
            int da = ia >= 0 ? a.Shape[ia] : 1, db = ib >= 0 ? b.Shape[ib] : 1;
            dims[i] = Math.Max(da, db);
            aStrides[i] = da == 1 ? 0 : aCount;
            bStrides[i] = db == 1 ? 0 : bCount;
            aCount *= da;
            bCount *= db;
            count *= dims[i];
        }
        args.Rank = r;
        args.Dims = dims;
        args.AStrides = aStrides;
        args.BStrides = bStrides;
        args.Count = checked((int)count);

        if (a.Type != DataType.Float32)
        {
            switch (a.Type)
            {
                case DataType.Float64: Reference<double>(in args, a, b, y); break;
                case DataType.Int32: Reference<int>(in args, a, b, y); break;
                case DataType.Int64: Reference<long>(in args, a, b, y); break;
                case DataType.UInt32: Reference<uint>(in args, a, b, y); break;
                default: Reference<ulong>(in args, a, b, y); break;
            }
            return;
        }
        if (bCount == 1)
        {
            // One B for every batch: A's batches are consecutive rows of one tall matrix.
            args.M = checked((int)(aCount * args.M));
            args.Count = 1;
            Product(in args, 0, ctx.Pool);
            return;
        }
        int threads = ctx.Pool?.ThreadCount ?? 1;
        if (threads > 1 && args.Count >= 2 * threads)
        {
            var self = GCHandle.Alloc(this);
            try
            {
                ctx.Pool!.Run(new BatchTask { Self = self, Args = &args }, args.Count);
            }
            finally
            {
                self.Free();
            }
            return;
        }
        for (int t = 0; t < args.Count; t++)
            Product(in args, t, ctx.Pool);
    }

    /// <summary>Output batch <paramref name="t"/>: Y[t] = act(A[a(t)]·B[b(t)]).</summary>
    private void Product(in Batches g, int t, KernelThreadPool? pool)
    {
        var (ai, bi) = Operands(in g, t);
        int m = g.M, n = g.N, k = g.K;
        long aSize = (long)g.M * k, bSize = (long)k * n, ySize = (long)m * n;
        var a = new ReadOnlySpan<float>(g.A + ai * aSize, checked((int)aSize));
        var y = new Span<float>(g.Y + (long)t * ySize, checked((int)ySize));
        var epilogue = g.Bias == null
            ? new GemmEpilogue(_activation)
            : new GemmEpilogue(GemmBiasKind.PerColumn, new ReadOnlySpan<float>(g.Bias, n), _activation);
        if (_packedB is not null)
            _sgemm.Gemm(false, m, 1f, a, Math.Max(1, k), _packedB[bi], 0f, y, n, in epilogue, pool);
        else
            _sgemm.Gemm(false, false, m, n, k, 1f, a, Math.Max(1, k), new ReadOnlySpan<float>(g.B + bi * bSize, checked((int)bSize)), Math.Max(1, n), 0f, y, n, in epilogue, pool);
    }

    // Matrix indices of A and B (0 along broadcast dimensions) for output batch t.
    private static (long A, long B) Operands(in Batches g, int t)
    {
        long ai = 0, bi = 0;
        int rem = t;
        for (int i = g.Rank - 1; i >= 0 && g.Count > 1; i--)
        {
            int idx = rem % g.Dims[i];
            rem /= g.Dims[i];
            ai += idx * g.AStrides[i];
            bi += idx * g.BStrides[i];
        }
        return (ai, bi);
    }

    /// <summary>Every batch with the scalar reference (f64, integers).</summary>
    private static void Reference<T>(in Batches g, TensorValue a, TensorValue b, TensorValue y) where T : unmanaged, INumber<T>
    {
        var av = a.Span<T>();
        var bv = b.Span<T>();
        var yv = y.Span<T>();
        int m = g.M, n = g.N, k = g.K;
        for (int t = 0; t < g.Count; t++)
        {
            var (ai, bi) = Operands(in g, t);
            MatrixProductReference.Multiply(m, n, k, T.One, av.Slice((int)(ai * m * k), m * k), k, false,
                bv.Slice((int)(bi * k * n), k * n), n, false, T.Zero, yv.Slice(t * m * n, m * n), n);
        }
    }

    private struct Batches
    {
        public float* A, B, Y, Bias;
        public int M, N, K, Rank, Count;
        public int* Dims;
        public long* AStrides, BStrides;
    }

    private struct BatchTask : IParallelTask
    {
        public GCHandle Self;
        public Batches* Args;

        public readonly void Execute(int taskIndex, KernelScratch scratch) =>
            ((MatMulOperator)Self.Target!).Product(in *Args, taskIndex, null);
    }
}
