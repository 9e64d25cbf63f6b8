using Mote.Format;
using Mote.Runtime.Operators.Vision;

namespace Mote.Runtime.Operators;

internal static partial class OperatorRegistry
{
    static partial void RegisterVision(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d)
    {
        d[OpType.GridSample] = (n, _) => new GridSampleOperator(n);
        d[OpType.AffineGrid] = (n, _) => new AffineGridOperator(n);
        d[OpType.Col2Im] = (n, _) => new Col2ImOperator(n);
        d[OpType.DeformConv] = (n, _) => new DeformConvOperator(n);
        d[OpType.RoiAlign] = (n, _) => new RoiAlignOperator(n);
        d[OpType.MaxRoiPool] = (n, _) => new MaxRoiPoolOperator(n);
        d[OpType.MaxUnpool] = (n, _) => new MaxUnpoolOperator(n);
        d[OpType.NonMaxSuppression] = (n, _) => new NonMaxSuppressionOperator(n);
    }
}
