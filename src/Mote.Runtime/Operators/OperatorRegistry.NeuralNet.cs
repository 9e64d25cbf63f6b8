using Mote.Format;
using Mote.Runtime.Operators.NeuralNet;

namespace Mote.Runtime.Operators;

internal static partial class OperatorRegistry
{
    static partial void RegisterNeuralNet(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d)
    {
        d[OpType.Conv] = (n, b) => new ConvOperator(n, b);
        d[OpType.ConvTranspose] = (n, b) => new ConvTransposeOperator(n, b);
        d[OpType.Gemm] = (n, b) => new GemmOperator(n, b);
        d[OpType.MatMul] = (n, b) => new MatMulOperator(n, b);
    }
}
