using Mote.Format;
using Mote.Runtime.Operators.Signal;

namespace Mote.Runtime.Operators;

internal static partial class OperatorRegistry
{
    static partial void RegisterSignal(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d)
    {
        d[OpType.DFT] = (n, _) => new DftOperator(n);
        d[OpType.STFT] = (n, _) => new StftOperator(n);
        d[OpType.HannWindow] = (n, _) => new WindowOperator(n);
        d[OpType.HammingWindow] = (n, _) => new WindowOperator(n);
        d[OpType.BlackmanWindow] = (n, _) => new WindowOperator(n);
        d[OpType.MelWeightMatrix] = (n, _) => new MelWeightMatrixOperator(n);
    }
}
