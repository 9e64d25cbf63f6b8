using System.Numerics;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX NonZero: the coordinates of the non-zero elements in row-major order, as int64
/// [rank, count] (a scalar counts as a 1-element vector, like ONNX Runtime). NaN is non-zero,
/// -0.0 is zero. The count depends on the input's values, so they must be known before the run.
/// </summary>
internal sealed class NonZeroOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        var type = ctx.InputType(0);
        if (type != DataType.Bool && !TypeSwitch.IsNumeric(type))
            throw new MoteNotSupportedException($"NonZero is not defined for {type.ShortName()}");
        if (!ctx.TryGetValue(0, out var x))
            throw new ValueNotKnownException("the output shape depends on the runtime value of input 0");
        ctx.SetOutput(0, DataType.Int64, [Math.Max(1, ctx.InputRank(0)), Walk(x, default)]);
    }

    public override void Execute(in NodeContext ctx) => Walk(ctx.Input(0), ctx.Output(0).Span<long>());

    /// <summary>Counts the non-zero elements and, when <paramref name="y"/> is not empty, writes their coordinates.</summary>
    private static int Walk(TensorValue x, Span<long> y)
    {
        var job = new Job { X = x, Y = y };
        if (x.Type == DataType.Bool)
            job.Run<byte>();
        else
            TypeSwitch.Numeric(x.Type, ref job, "NonZero");
        return job.Count;
    }

    private ref struct Job : INumericAction
    {
        public TensorValue X;
        public Span<long> Y;
        public int Count;

        public void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            var src = MemoryMarshal.Cast<byte, T>(X.Bytes);
            var shape = X.Rank == 0 ? [1] : X.Shape;
            int r = shape.Length;
            int n = 0;
            for (int i = 0; i < src.Length; i++)
                n += T.IsZero(src[i]) ? 0 : 1;
            Count = n;
            if (Y.Length == 0 || n == 0)
                return;
            Span<int> coord = stackalloc int[r];
            coord.Clear();
            for (int i = 0, j = 0; i < src.Length; i++)
            {
                if (!T.IsZero(src[i]))
                {
                    for (int d = 0; d < r; d++)
                        Y[d * n + j] = coord[d];
                    j++;
                }
                for (int d = r - 1; d >= 0 && ++coord[d] == shape[d]; d--)
                    coord[d] = 0;
            }
        }
    }
}
