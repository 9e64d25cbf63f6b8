using Mote.Format;
using Mote.Runtime.Operators.Elementwise;

namespace Mote.Runtime.Operators;

internal static partial class OperatorRegistry
{
    static partial void RegisterElementwise(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d)
    {
        d[OpType.Add] = (n, _) => new BinaryOperator<AddKernel>(n);
        d[OpType.Sub] = (n, _) => new BinaryOperator<SubKernel>(n);
        d[OpType.Mul] = (n, _) => new BinaryOperator<MulKernel>(n);
        d[OpType.Div] = (n, _) => new BinaryOperator<DivKernel>(n);
    }
}
