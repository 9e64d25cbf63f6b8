using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Graph;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX EyeLike: a 2-D tensor of the input's shape with ones on diagonal k (column = row + k)
/// and zeros elsewhere, of type <c>dtype</c> (default: the input's type). Only the shape of the
/// input is read.
/// </summary>
internal sealed class EyeLikeOperator(NodeDef node) : Operator(node)
{
    private readonly DataType? _dtype = node.Attribute("dtype") is null ? null : SessionGraph.ComputeType((DataType)node.GetInt("dtype", 1));
    private readonly long _k = node.GetInt("k", 0);

    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        if (shape.Length != 2)
            throw new MoteShapeException($"EyeLike needs a 2-D input, got {ShapeMath.Format(shape)}");
        var type = _dtype ?? ctx.InputType(0);
        if (type != DataType.Bool && !TypeSwitch.IsNumeric(type))
            throw new MoteNotSupportedException($"EyeLike is not defined for {type.ShortName()}");
        ctx.SetOutput(0, type, shape);
    }

    public override void Execute(in NodeContext ctx)
    {
        var y = ctx.Output(0);
        y.Bytes.Clear();
        var job = new Diagonal { Y = y, K = _k };
        if (y.Type == DataType.Bool)
            job.Run<byte>();
        else
            TypeSwitch.Numeric(y.Type, ref job, "EyeLike");
    }

    private struct Diagonal : INumericAction
    {
        public TensorValue Y;
        public long K;

        public readonly void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            var y = Y.Span<T>();
            int rows = Y.Shape[0], cols = Y.Shape[1];
            for (long i = Math.Max(0, -K); i < rows && i + K < cols; i++)
                y[(int)(i * cols + i + K)] = T.One;
        }
    }
}
