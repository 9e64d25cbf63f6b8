using Mote.Format;
using Mote.Runtime.Operators.ControlFlow;

namespace Mote.Runtime.Operators;

internal static partial class OperatorRegistry
{
    static partial void RegisterControlFlow(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d)
    {
        d[OpType.If] = (n, b) => new IfOperator(n, b);
        d[OpType.Loop] = (n, b) => new LoopOperator(n, b);
        d[OpType.Scan] = (n, b) => new ScanOperator(n, b);
    }
}
