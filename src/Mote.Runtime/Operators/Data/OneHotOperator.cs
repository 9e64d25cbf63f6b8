using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX OneHot: inputs indices (any numeric type, truncated to integers), depth (one numeric
/// value, needed before the run) and values [off, on]. The output inserts a dimension of size
/// depth at <c>axis</c> (default -1, counted in the output's rank): on where the index equals the
/// position along it (negative indices count from depth), off elsewhere; out-of-range indices
/// give an all-off line.
/// </summary>
internal sealed class OneHotOperator(NodeDef node) : Operator(node)
{
    private readonly long _axis = node.GetInt("axis", -1);

    public override void InferShapes(ShapeContext ctx)
    {
        var idx = ctx.InputShape(0);
        if (!TypeSwitch.IsNumeric(ctx.InputType(0)) || !TypeSwitch.IsNumeric(ctx.InputType(1)))
            throw new MoteNotSupportedException($"OneHot indices and depth must be numeric, got {ctx.InputType(0).ShortName()} and {ctx.InputType(1).ShortName()}");
        if (ShapeMath.Count(ctx.InputShape(1)) != 1 || ShapeMath.Count(ctx.InputShape(2)) != 2)
            throw new MoteShapeException($"depth must hold one value and values two, got {ShapeMath.Format(ctx.InputShape(1))} and {ShapeMath.Format(ctx.InputShape(2))}");
        if (!ctx.TryGetValue(1, out var depthValue))
            throw new ValueNotKnownException("the output shape depends on the runtime value of depth");
        long depth = ReadDepth(depthValue);
        if (depth < 1 || depth > int.MaxValue)
            throw new MoteShapeException($"depth {depth} must be positive");
        int axis = ShapeMath.Axis(_axis, idx.Length + 1, "OneHot");
        var y = new int[idx.Length + 1];
        idx.AsSpan(0, axis).CopyTo(y);
        y[axis] = (int)depth;
        idx.AsSpan(axis).CopyTo(y.AsSpan(axis + 1));
        ctx.SetOutput(0, ctx.InputType(2), y);
    }

    private static long ReadDepth(TensorValue t)
    {
        var job = new Read { Source = t };
        TypeSwitch.Numeric(t.Type, ref job, "OneHot depth");
        return job.Result;
    }

    public override void Execute(in NodeContext ctx)
    {
        var y = ctx.Output(0);
        var values = ctx.Input(2).Bytes;
        int es = y.Type.Size();
        ElementCopy.Fill(y.Bytes, values[..es]);
        var job = new Write { Indices = ctx.Input(0), Values = ctx.Input(2), Y = y, Axis = ShapeMath.Axis(_axis, y.Rank, "OneHot") };
        TypeSwitch.Numeric(job.Indices.Type, ref job, "OneHot indices");
    }

    /// <summary>Writes the on value at each index's position (the output already holds off).</summary>
    private struct Write : INumericAction
    {
        public TensorValue Indices, Values, Y;
        public int Axis;

        public readonly void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            var idx = Indices.Span<T>();
            int depth = Y.Shape[Axis], es = Y.Type.Size();
            long inner = ShapeMath.Product(Y.Shape, Axis + 1, Y.Rank);
            var on = Values.Bytes.Slice(es, es);
            var dst = Y.Bytes;
            long outer = inner == 0 ? 0 : idx.Length / inner;
            for (long o = 0, p = 0; o < outer; o++)
                for (long i = 0; i < inner; i++, p++)
                {
                    T raw = idx[(int)p];
                    if (T.IsNaN(raw))
                        continue;
                    long v = long.CreateSaturating(raw);
                    if (v < 0)
                        v += depth;
                    if ((ulong)v < (ulong)depth)
                        on.CopyTo(dst.Slice((int)(((o * depth + v) * inner + i) * es), es));
                }
        }
    }

    /// <summary>The first element of a numeric tensor, truncated to an integer.</summary>
    private struct Read : INumericAction
    {
        public TensorValue Source;
        public long Result;

        public void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            T v = Source.Span<T>()[0];
            Result = T.IsNaN(v) ? 0 : long.CreateSaturating(v);
        }
    }
}
