using System.Numerics;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX ScatterElements (opset 18): a copy of <c>data</c> where the element at each position p of
/// <c>indices</c>, with p[axis] replaced by indices[p], receives updates[p], written or combined by
/// <c>reduction</c> (none, add, mul, max, min). Updates apply in row-major order.
/// </summary>
internal sealed class ScatterElementsOperator(NodeDef node) : Operator(node)
{
    private readonly long _axis = node.GetInt("axis", 0);
    private readonly ScatterReduction _reduction = ScatterReductions.Parse(node.GetString("reduction", "none"));

    public override void InferShapes(ShapeContext ctx)
    {
        var x = ctx.InputShape(0);
        var idx = ctx.InputShape(1);
        ctx.ExpectType(1, "indices", DataType.Int32, DataType.Int64);
        if (ctx.InputType(2) != ctx.InputType(0))
            throw new MoteShapeException($"updates are {ctx.InputType(2).ShortName()} but data is {ctx.InputType(0).ShortName()}");
        if (!ctx.InputShape(2).AsSpan().SequenceEqual(idx))
            throw new MoteShapeException($"updates {ShapeMath.Format(ctx.InputShape(2))} and indices {ShapeMath.Format(idx)} must have the same shape");
        if (_reduction != ScatterReduction.None && !TypeSwitch.IsNumeric(ctx.InputType(0)))
            throw new MoteNotSupportedException($"reduction {_reduction} is not defined for {ctx.InputType(0).ShortName()}");
        GatherElementsOperator.CheckShapes(x, idx, _axis, "ScatterElements");
        ctx.SetOutput(0, ctx.InputType(0), x);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        x.Bytes.CopyTo(y.Bytes);
        if (ctx.Input(1).Count == 0)
            return;
        var job = new Job { Y = y, Indices = ctx.Input(1), Updates = ctx.Input(2), Axis = ShapeMath.Axis(_axis, x.Rank, "ScatterElements"), Reduction = _reduction };
        if (_reduction != ScatterReduction.None)
        {
            TypeSwitch.Numeric(y.Type, ref job, "ScatterElements");
            return;
        }
        switch (y.Type.Size())
        {
            case 1: job.Overwrite<byte>(); break;
            case 2: job.Overwrite<ushort>(); break;
            case 4: job.Overwrite<uint>(); break;
            default: job.Overwrite<ulong>(); break;
        }
    }

    private struct Job : INumericAction
    {
        public TensorValue Y, Indices, Updates;
        public int Axis;
        public ScatterReduction Reduction;

        public readonly void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            var dst = Y.Span<T>();
            var src = Updates.Span<T>();
            var idx = new IndexSpan(Indices);
            var shape = Indices.Shape;
            var walk = new AxisWalk(Y.Shape, shape, Axis, stackalloc long[shape.Length], stackalloc int[shape.Length]);
            int n = Y.Shape[Axis], inner = shape[^1];
            for (int p = 0; p < src.Length; p += inner)
            {
                for (int j = 0; j < inner; j++)
                    ScatterReductions.Apply(ref dst[(int)(walk.Base + j * walk.LastStride + idx.Resolve(p + j, n, "ScatterElements") * walk.AxisStride)], src[p + j], Reduction);
                walk.Next();
            }
        }

        public readonly void Overwrite<T>() where T : unmanaged
        {
            var dst = MemoryMarshal.Cast<byte, T>(Y.Bytes);
            var src = MemoryMarshal.Cast<byte, T>(Updates.Bytes);
            var idx = new IndexSpan(Indices);
            var shape = Indices.Shape;
            var walk = new AxisWalk(Y.Shape, shape, Axis, stackalloc long[shape.Length], stackalloc int[shape.Length]);
            int n = Y.Shape[Axis], inner = shape[^1];
            for (int p = 0; p < src.Length; p += inner)
            {
                for (int j = 0; j < inner; j++)
                    dst[(int)(walk.Base + j * walk.LastStride + idx.Resolve(p + j, n, "ScatterElements") * walk.AxisStride)] = src[p + j];
                walk.Next();
            }
        }
    }
}
