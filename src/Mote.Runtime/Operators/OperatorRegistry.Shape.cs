using Mote.Format;
using Mote.Runtime.Operators.Shape;

namespace Mote.Runtime.Operators;

internal static partial class OperatorRegistry
{
    static partial void RegisterShape(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d)
    {
        d[OpType.Identity] = (n, _) => new IdentityOperator(n);
        d[OpType.Dropout] = (n, _) => new IdentityOperator(n);
        d[OpType.Reshape] = (n, _) => new ReshapeOperator(n);
        d[OpType.Shape] = (n, _) => new ShapeOperator(n);
    }
}
