using Mote.Format;

namespace Mote.Runtime.Operators.Shape;

/// <summary>
/// ONNX Reshape (opset 5+ form, shape as input). A 0 copies the input dimension unless
/// <c>allowzero</c> is set; one -1 is inferred. A view: shares the input's memory.
/// </summary>
internal sealed class ReshapeOperator(NodeDef node) : Operator(node)
{
    private readonly bool _allowZero = node.GetInt("allowzero", 0) != 0;

    public override bool IsView => true;

    public override void InferShapes(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        var spec = ctx.GetInts(1);
        ctx.SetOutput(0, ctx.InputType(0), Resolve(input, spec, _allowZero));
    }

    public override void Execute(in NodeContext ctx) => ctx.Input(0).Bytes.CopyTo(ctx.Output(0).Bytes);

    /// <summary>The output shape of reshaping <paramref name="input"/> to <paramref name="spec"/>.</summary>
    public static int[] Resolve(int[] input, long[] spec, bool allowZero)
    {
        var r = new int[spec.Length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < spec.Length; i++)
        {
            long d = spec[i];
            if (d == 0 && !allowZero)
            {
                if (i >= input.Length)
                    throw new MoteShapeException($"shape {Fmt(spec)} copies dimension {i}, but the input {ShapeMath.Format(input)} has rank {input.Length}");
                d = input[i];
            }
            if (d == -1)
            {
                if (infer >= 0)
                    throw new MoteShapeException($"shape {Fmt(spec)} has more than one -1");
                infer = i;
                continue;
            }
            if (d < 0 || d > int.MaxValue)
                throw new MoteShapeException($"shape {Fmt(spec)} has an invalid dimension {d}");
            r[i] = (int)d;
            known *= d;
        }
        long total = ShapeMath.Count(input);
        if (infer >= 0)
        {
            if (known == 0 || total % known != 0)
                throw new MoteShapeException($"cannot reshape {ShapeMath.Format(input)} ({total} elements) to {Fmt(spec)}");
            r[infer] = (int)(total / known);
        }
        else if (known != total)
            throw new MoteShapeException($"cannot reshape {ShapeMath.Format(input)} ({total} elements) to {Fmt(spec)} ({known} elements)");
        return r;
    }

    private static string Fmt(long[] s) => "[" + string.Join(",", s) + "]";
}
