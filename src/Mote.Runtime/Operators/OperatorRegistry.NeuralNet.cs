using Mote.Format;
using Mote.Kernels.NeuralNet;
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
        d[OpType.MaxPool] = (n, _) => new MaxPoolOperator(n);
        d[OpType.AveragePool] = (n, _) => new AveragePoolOperator(n);
        d[OpType.LpPool] = (n, _) => new LpPoolOperator(n);
        d[OpType.GlobalAveragePool] = (n, _) => new GlobalPoolOperator(n, GlobalPoolKind.Average);
        d[OpType.GlobalMaxPool] = (n, _) => new GlobalPoolOperator(n, GlobalPoolKind.Max);
        d[OpType.GlobalLpPool] = (n, _) => new GlobalPoolOperator(n, GlobalPoolKind.Lp);
    }
}
