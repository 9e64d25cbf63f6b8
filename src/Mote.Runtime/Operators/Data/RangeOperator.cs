using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Range: scalars start, limit, delta of one numeric type; output length
/// max(ceil((limit - start) / delta), 0) and output[i] = start + i·delta. The length needs the
/// three values before the run (constants or values computed while planning).
/// </summary>
internal sealed class RangeOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        var type = ctx.InputType(0);
        for (int i = 0; i < 3; i++)
        {
            if (ctx.InputType(i) != type)
                throw new MoteShapeException($"start, limit and delta must have one type, got {type.ShortName()} and {ctx.InputType(i).ShortName()}");
            if (ShapeMath.Count(ctx.InputShape(i)) != 1)
                throw new MoteShapeException($"input {i} must be a scalar, got {ShapeMath.Format(ctx.InputShape(i))}");
        }
        var values = new TensorValue[3];
        for (int i = 0; i < 3; i++)
            if (!ctx.TryGetValue(i, out values[i]))
                throw new ValueNotKnownException($"the output length depends on the runtime value of input {i}");
        var job = new Count { Start = values[0], Limit = values[1], Delta = values[2] };
        TypeSwitch.Numeric(type, ref job, "Range");
        ctx.SetOutput(0, type, [job.Result]);
    }

    public override void Execute(in NodeContext ctx)
    {
        var job = new Fill { Start = ctx.Input(0), Delta = ctx.Input(2), Y = ctx.Output(0) };
        TypeSwitch.Numeric(job.Y.Type, ref job, "Range");
    }

    private struct Count : INumericAction
    {
        public TensorValue Start, Limit, Delta;
        public int Result;

        public void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            T s = Start.Span<T>()[0], l = Limit.Span<T>()[0], d = Delta.Span<T>()[0];
            if (T.IsZero(d))
                throw new MoteShapeException("Range delta is 0");
            double n;
            if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
                n = Math.Ceiling(double.CreateChecked(l - s) / double.CreateChecked(d));
            else
            {
                // Exact integer ceiling division, in 128 bits so that no difference overflows.
                Int128 diff = Int128.CreateChecked(l) - Int128.CreateChecked(s), step = Int128.CreateChecked(d);
                Int128 q = diff / step;
                if (q * step != diff && (diff > 0) == (step > 0))
                    q++;
                n = (double)q;
            }
            if (double.IsNaN(n) || n > int.MaxValue)
                throw new MoteShapeException($"Range from {s} to {l} by {d} has no finite length");
            Result = (int)Math.Max(n, 0);
        }
    }

    private struct Fill : INumericAction
    {
        public TensorValue Start, Delta, Y;

        public readonly void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            T s = Start.Span<T>()[0], d = Delta.Span<T>()[0];
            var y = Y.Span<T>();
            for (int i = 0; i < y.Length; i++)
                y[i] = s + T.CreateTruncating(i) * d;
        }
    }
}
