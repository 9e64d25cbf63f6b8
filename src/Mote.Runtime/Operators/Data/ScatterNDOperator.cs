using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX ScatterND (opset 18): a copy of <c>data</c> where each index tuple (last dimension k of
/// <c>indices</c>) receives one slice of <c>updates</c> (shape indices.shape[:-1] + data.shape[k:]),
/// written or combined by <c>reduction</c> (none, add, mul, max, min). Tuples apply in order, so
/// with duplicates and reduction none the last one wins.
/// </summary>
internal sealed class ScatterNDOperator(NodeDef node) : Operator(node)
{
    private readonly ScatterReduction _reduction = ScatterReductions.Parse(node.GetString("reduction", "none"));

    public override void InferShapes(ShapeContext ctx)
    {
        var x = ctx.InputShape(0);
        var idx = ctx.InputShape(1);
        var upd = ctx.InputShape(2);
        ctx.ExpectType(1, "indices", DataType.Int32, DataType.Int64);
        if (ctx.InputType(2) != ctx.InputType(0))
            throw new MoteShapeException($"updates are {ctx.InputType(2).ShortName()} but data is {ctx.InputType(0).ShortName()}");
        if (_reduction != ScatterReduction.None && !TypeSwitch.IsNumeric(ctx.InputType(0)))
            throw new MoteNotSupportedException($"reduction {_reduction} is not defined for {ctx.InputType(0).ShortName()}");
        if (x.Length == 0 || idx.Length == 0 || idx[^1] > x.Length)
            throw new MoteShapeException($"indices {ShapeMath.Format(idx)} do not address data {ShapeMath.Format(x)}");
        int k = idx[^1];
        var expect = idx[..^1].Concat(x[k..]).ToArray();
        if (!expect.AsSpan().SequenceEqual(upd))
            throw new MoteShapeException($"updates have shape {ShapeMath.Format(upd)}, expected {ShapeMath.Format(expect)}");
        ctx.SetOutput(0, ctx.InputType(0), x);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        x.Bytes.CopyTo(y.Bytes);
        var job = new Job { Y = y, Indices = ctx.Input(1), Updates = ctx.Input(2), Reduction = _reduction };
        if (_reduction == ScatterReduction.None)
            job.Run<byte>();
        else
            TypeSwitch.Numeric(y.Type, ref job, "ScatterND");
    }

    private struct Job : INumericAction
    {
        public TensorValue Y, Indices, Updates;
        public ScatterReduction Reduction;

        /// <summary>With reduction none, T is byte and slices are copied as bytes of any element type.</summary>
        public readonly void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            var idx = new IndexSpan(Indices);
            var shape = Y.Shape;
            int k = Indices.Shape[^1];
            long tuples = ShapeMath.Product(Indices.Shape, 0, Indices.Rank - 1);
            long slice = ShapeMath.Product(shape, k, shape.Length);
            bool bytes = Reduction == ScatterReduction.None;
            int unit = bytes ? Y.Type.Size() : 1;
            Span<long> strides = stackalloc long[k];
            long acc = slice;
            for (int j = k - 1; j >= 0; j--)
            {
                strides[j] = acc;
                acc *= shape[j];
            }
            var dst = bytes ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(Y.Bytes) : Y.Span<T>();
            var src = bytes ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(Updates.Bytes) : Updates.Span<T>();
            int n = (int)(slice * unit);
            for (long t = 0; t < tuples; t++)
            {
                long off = 0;
                for (int j = 0; j < k; j++)
                    off += idx.Resolve((int)(t * k + j), shape[j], "ScatterND") * strides[j];
                var d = dst.Slice((int)(off * unit), n);
                var s = src.Slice((int)(t * n), n);
                if (bytes)
                    s.CopyTo(d);
                else
                    for (int i = 0; i < n; i++)
                        ScatterReductions.Apply(ref d[i], s[i], Reduction);
            }
        }
    }
}
