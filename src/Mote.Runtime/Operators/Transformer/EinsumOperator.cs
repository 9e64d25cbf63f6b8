using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;

namespace Mote.Runtime.Operators.Transformer;

/// <summary>
/// ONNX Einsum (opset 12): explicit and implicit outputs, repeated subscripts (diagonals), ellipsis
/// broadcasting and summation, any number of operands, numeric types. Two-operand f32 products
/// ("bij,bjk->bik", "bhqd,bhkd->bhqk", "i,i", ...) run as batched SGEMM (<see cref="EinsumGemm"/>);
/// everything else runs the reference loop: for each output element, the sum over the summed labels of
/// the product of the operands' elements, accumulated in the element type.
/// </summary>
internal sealed unsafe class EinsumOperator : Operator
{
    private readonly EinsumEquation _equation;

    public EinsumOperator(NodeDef node) : base(node)
    {
        var text = node.GetString("equation", "") is { Length: > 0 } e ? e : throw new MoteShapeException("Einsum needs an 'equation' attribute");
        _equation = EinsumEquation.Parse(text);
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var type = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsNumeric(type), Node.Op, type);
        var shapes = new int[ctx.InputCount][];
        for (int i = 0; i < shapes.Length; i++)
        {
            if (ctx.InputType(i) != type)
                throw new MoteShapeException($"Einsum operands must share one type, got {type.ShortName()} and {ctx.InputType(i).ShortName()}");
            shapes[i] = ctx.InputShape(i);
        }
        var plan = EinsumPlan.Create(_equation, shapes);
        if (EinsumGemm.TryCreate(plan, type, shapes) is { } gemm)
            ctx.RequestScratch(gemm.ScratchFloats * sizeof(float));
        ctx.SetOutput(0, type, plan.OutputShape);
    }

    public override void Execute(in NodeContext ctx)
    {
        var shapes = new int[ctx.Inputs.Length][];
        for (int i = 0; i < shapes.Length; i++)
            shapes[i] = ctx.Input(i).Shape;
        var plan = EinsumPlan.Create(_equation, shapes);
        var y = ctx.Output(0);
        if (EinsumGemm.TryCreate(plan, y.Type, shapes) is { } gemm)
        {
            Product(ctx, plan, gemm);
            return;
        }
        var visitor = new ReferenceVisitor(ctx.Inputs, y, plan);
        TypeDispatch.Numeric(y.Type, ref visitor, Node.Op);
    }

    /// <summary>The batched SGEMM path: gather operands into matrix order where needed, multiply, scatter back.</summary>
    private static void Product(in NodeContext ctx, EinsumPlan plan, EinsumGemm g)
    {
        var y = ctx.Output(0);
        if (y.Count == 0)
            return;
        if (g.Depth == 0)
        {
            y.Span<float>().Clear();
            return;
        }
        float* scratch = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref ctx.Scratch.GetPinnableReference());
        float* a = (float*)ctx.Input(0).Data, b = (float*)ctx.Input(1).Data, c = (float*)y.Data;
        if (!g.ADirect)
        {
            Gather(a, plan.Strides[0], plan.Sizes, [.. g.Batch, .. g.M, .. g.K], scratch);
            a = scratch;
            scratch += g.BatchCount * g.Rows * g.Depth;
        }
        if (!g.BDirect)
        {
            Gather(b, plan.Strides[1], plan.Sizes, [.. g.Batch, .. g.K, .. g.N], scratch);
            b = scratch;
            scratch += g.BatchCount * g.Depth * g.Columns;
        }
        float* product = g.OutputDirect ? c : scratch;
        int m = (int)g.Rows, n = (int)g.Columns, k = (int)g.Depth;
        int lda = g.TransA ? m : k, ldb = g.TransB ? k : n;
        for (long t = 0; t < g.BatchCount; t++)
            ctx.Kernels.Sgemm.Gemm(g.TransA, g.TransB, m, n, k, 1f,
                new ReadOnlySpan<float>(a + t * m * k, m * k), Math.Max(1, lda),
                new ReadOnlySpan<float>(b + t * k * n, k * n), Math.Max(1, ldb),
                0f, new Span<float>(product + t * m * n, m * n), Math.Max(1, n), default, ctx.Pool);
        if (!g.OutputDirect)
        {
            // The product is [batch, M, N]; the output wants its labels in output order.
            int[] canonical = [.. g.Batch, .. g.M, .. g.N];
            var strides = new long[plan.Sizes.Length];
            long s = 1;
            for (int d = canonical.Length - 1; d >= 0; d--)
            {
                strides[canonical[d]] = s;
                s *= plan.Sizes[canonical[d]];
            }
            Gather(product, strides, plan.Sizes, [.. Enumerable.Range(0, plan.OutputRank)], c);
        }
    }

    /// <summary>Copies <paramref name="src"/> (label strides) into <paramref name="dst"/>, row-major in label order <paramref name="order"/>.</summary>
    private static void Gather(float* src, long[] strides, int[] sizes, int[] order, float* dst)
    {
        int rank = order.Length;
        var index = new int[rank];
        long total = 1;
        foreach (int l in order)
            total *= sizes[l];
        long offset = 0;
        for (long i = 0; i < total; i++)
        {
            dst[i] = src[offset];
            for (int d = rank - 1; d >= 0; d--)
            {
                int l = order[d];
                offset += strides[l];
                if (++index[d] < sizes[l])
                    break;
                offset -= strides[l] * sizes[l];
                index[d] = 0;
            }
        }
    }

    /// <summary>The reference loop, generic over the element type.</summary>
    private readonly ref struct ReferenceVisitor(ReadOnlySpan<TensorValue> inputs, TensorValue output, EinsumPlan plan) : INumericVisitor
    {
        private readonly ReadOnlySpan<TensorValue> _inputs = inputs;

        public void Visit<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            int labels = plan.Sizes.Length, operands = _inputs.Length;
            var data = new nint[operands];
            for (int i = 0; i < operands; i++)
                data[i] = (nint)_inputs[i].Data;
            var y = output.Span<T>();
            long summed = 1;
            for (int l = plan.OutputRank; l < labels; l++)
                summed *= plan.Sizes[l];
            if (summed == 0)
            {
                y.Clear();
                return;
            }
            var index = new int[labels];
            var offsets = new long[operands];
            for (int o = 0; o < y.Length; o++)
            {
                T acc = T.Zero;
                for (long s = 0; s < summed; s++)
                {
                    T p = T.One;
                    for (int i = 0; i < operands; i++)
                        p *= ((T*)data[i])[offsets[i]];
                    acc += p;
                    Step(index, offsets, plan.OutputRank, labels);
                }
                y[o] = acc;
                Step(index, offsets, 0, plan.OutputRank);
            }
        }

        // Advances the odometer over labels [from, to), innermost last, keeping every operand's offset in step.
        private void Step(int[] index, long[] offsets, int from, int to)
        {
            for (int l = to - 1; l >= from; l--)
            {
                for (int i = 0; i < offsets.Length; i++)
                    offsets[i] += plan.Strides[i][l];
                if (++index[l] < plan.Sizes[l])
                    return;
                for (int i = 0; i < offsets.Length; i++)
                    offsets[i] -= plan.Strides[i][l] * plan.Sizes[l];
                index[l] = 0;
            }
        }
    }
}
