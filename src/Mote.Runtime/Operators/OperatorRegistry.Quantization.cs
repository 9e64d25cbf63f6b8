using Mote.Format;
using Mote.Runtime.Operators.Quantization;

namespace Mote.Runtime.Operators;

internal static partial class OperatorRegistry
{
    static partial void RegisterQuantization(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d)
    {
        d[OpType.QuantizeLinear] = (n, b) => new QuantizeLinearOperator(n, b);
        d[OpType.DequantizeLinear] = (n, b) => new DequantizeLinearOperator(n, b);
        d[OpType.DynamicQuantizeLinear] = (n, b) => new DynamicQuantizeLinearOperator(n, b);
        d[OpType.MatMulInteger] = (n, b) => new MatMulIntegerOperator(n, b);
        d[OpType.QLinearMatMul] = (n, b) => new QLinearMatMulOperator(n, b);
        d[OpType.ConvInteger] = (n, b) => new ConvIntegerOperator(n, b);
        d[OpType.QLinearConv] = (n, b) => new QLinearConvOperator(n, b);
    }
}
