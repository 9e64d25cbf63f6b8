using Mote.Format;
using Mote.Kernels;
using Mote.Kernels.Gemm;
using Mote.Kernels.NeuralNet;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>
/// ONNX Gemm (f32 on the SGEMM kernels, f64 on a scalar reference): <c>Y = act(alpha·op(A)·op(B) + beta·C)</c> with A, B 2-D (transA/transB) and C
/// broadcast to [M, N] (scalar, [N], [1, N], [M, 1], [M, N]), plus a fused activation
/// (<see cref="FusedActivation"/>). A constant B (a fully connected layer's weights) is packed at load, a
/// constant A likewise when B is not constant.
/// </summary>
/// <remarks>
/// C never costs a pass over Y unless it is a full [M, N] matrix: a row or column vector (times beta) becomes
/// the GEMM epilogue's per-column or per-row bias, applied as each register tile is stored. A full C is copied
/// into Y and the GEMM accumulates onto it with beta.
/// </remarks>
internal sealed unsafe class GemmOperator : Operator
{
    private readonly bool _transA;
    private readonly bool _transB;
    private readonly float _alpha;
    private readonly float _beta;
    private readonly Activation _activation;
    private readonly SgemmPackedA? _packedA;
    private readonly SgemmPackedB? _packedB;

    public GemmOperator(NodeDef node, BuildContext build) : base(node)
    {
        _transA = node.GetInt("transA", 0) != 0;
        _transB = node.GetInt("transB", 0) != 0;
        _alpha = node.GetFloat("alpha", 1f);
        _beta = node.GetFloat("beta", 1f);
        _activation = FusedActivation.Read(node);
        var sgemm = build.Kernels.Sgemm;
        if (build.TryGetConstant(node.Input(1), out var b) && b.Type == DataType.Float32 && b.Rank == 2)
        {
            int k = _transB ? b.Shape[1] : b.Shape[0], n = _transB ? b.Shape[0] : b.Shape[1];
            _packedB = sgemm.PackB(_transB, k, n, b.Span<float>(), Math.Max(1, b.Shape[1]));
        }
        else if (build.TryGetConstant(node.Input(0), out var a) && a.Type == DataType.Float32 && a.Rank == 2)
        {
            int m = _transA ? a.Shape[1] : a.Shape[0], k = _transA ? a.Shape[0] : a.Shape[1];
            _packedA = sgemm.PackA(_transA, m, k, a.Span<float>(), Math.Max(1, a.Shape[1]));
        }
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "A", DataType.Float32, DataType.Float64);
        ctx.ExpectType(1, "B", ctx.InputType(0));
        if (ctx.InputType(0) != DataType.Float32 && !_activation.IsNone)
            throw new MoteNotSupportedException($"a fused activation needs f32, not {ctx.InputType(0).ShortName()}");
        var a = ctx.InputShape(0);
        var b = ctx.InputShape(1);
        if (a.Length != 2 || b.Length != 2)
            throw new MoteShapeException($"A {ShapeMath.Format(a)} and B {ShapeMath.Format(b)} must be 2-D");
        var (m, k, n) = Sizes(a, b);
        if ((_transB ? b[1] : b[0]) != k)
            throw new MoteShapeException($"op(A) {ShapeMath.Format(a)} (transA={_transA}) and op(B) {ShapeMath.Format(b)} (transB={_transB}) disagree on K");
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, "C", ctx.InputType(0));
            var c = ctx.InputShape(2);
            var (cm, cn) = BroadcastRows(c, m, n);
            if (c.Length > 2 || (cm != 1 && cm != m) || (cn != 1 && cn != n))
                throw new MoteShapeException($"C {ShapeMath.Format(c)} does not broadcast to [{m},{n}]");
            if (!IsFull(cm, cn, m, n))
                ctx.RequestScratch((long)Math.Max(m, n) * sizeof(float));
        }
        ctx.SetOutput(0, ctx.InputType(0), [m, n]);
    }

    public override void Execute(in NodeContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        var c = ctx.Input(2);
        var y = ctx.Output(0);
        var (m, k, n) = Sizes(a.Shape, b.Shape);
        if (m == 0 || n == 0)
            return;
        if (a.Type == DataType.Float64)
        {
            Reference(a, b, c, y, m, n, k);
            return;
        }
        var ys = y.Span<float>();
        float beta = 0f;
        var biasKind = GemmBiasKind.None;
        ReadOnlySpan<float> bias = default;
        if (!c.IsNone && _beta != 0f)
        {
            var (cm, cn) = BroadcastRows(c.Shape, m, n);
            var cs = c.Span<float>();
            if (IsFull(cm, cn, m, n))
            {
                cs.CopyTo(ys);
                beta = _beta;
            }
            else
            {
                // A row or column vector (or a scalar): beta·C becomes the epilogue's bias.
                biasKind = cm == 1 ? GemmBiasKind.PerColumn : GemmBiasKind.PerRow;
                int length = cm == 1 ? n : m;
                if (_beta == 1f && cs.Length == length)
                    bias = cs;
                else
                {
                    var scaled = ctx.ScratchAs<float>(0, length);
                    if (cs.Length == 1)
                        scaled.Fill(_beta * cs[0]);
                    else
                        for (int i = 0; i < length; i++)
                            scaled[i] = _beta * cs[i];
                    bias = scaled;
                }
            }
        }
        var epilogue = biasKind == GemmBiasKind.None ? new GemmEpilogue(_activation) : new GemmEpilogue(biasKind, bias, _activation);
        var sgemm = ctx.Kernels.Sgemm;
        int lda = Math.Max(1, a.Shape[1]), ldb = Math.Max(1, b.Shape[1]);
        if (_packedB is not null)
            sgemm.Gemm(_transA, m, _alpha, a.Span<float>(), lda, _packedB, beta, ys, n, in epilogue, ctx.Pool);
        else if (_packedA is not null)
            sgemm.Gemm(_packedA, _transB, n, _alpha, b.Span<float>(), ldb, beta, ys, n, in epilogue, ctx.Pool);
        else
            sgemm.Gemm(_transA, _transB, m, n, k, _alpha, a.Span<float>(), lda, b.Span<float>(), ldb, beta, ys, n, in epilogue, ctx.Pool);
    }

    /// <summary>f64: Y = broadcast C, then Y = alpha·op(A)·op(B) + beta·Y with the scalar reference.</summary>
    private void Reference(TensorValue a, TensorValue b, TensorValue c, TensorValue y, int m, int n, int k)
    {
        var ys = y.Span<double>();
        double beta = 0;
        if (!c.IsNone && _beta != 0f)
        {
            var (cm, cn) = BroadcastRows(c.Shape, m, n);
            var cs = c.Span<double>();
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    ys[i * n + j] = cs[(cm == 1 ? 0 : i) * cn + (cn == 1 ? 0 : j)];
            beta = _beta;
        }
        MatrixProductReference.Multiply(m, n, k, (double)_alpha, a.Span<double>(), Math.Max(1, a.Shape[1]), _transA,
            b.Span<double>(), Math.Max(1, b.Shape[1]), _transB, beta, ys, n);
    }

    private (int M, int K, int N) Sizes(int[] a, int[] b) =>
        (_transA ? a[1] : a[0], _transA ? a[0] : a[1], _transB ? b[0] : b[1]);

    // A C that varies along both rows and columns; anything less is a bias vector.
    private static bool IsFull(int cm, int cn, int m, int n) => cm == m && cn == n && m > 1 && n > 1;

    // C's shape as [rows, columns] after NumPy broadcasting against [m, n].
    private static (int Rows, int Columns) BroadcastRows(int[] c, int m, int n) => c.Length switch
    {
        0 => (1, 1),
        1 => (1, c[0]),
        _ => (c[^2], c[^1]),
    };
}
