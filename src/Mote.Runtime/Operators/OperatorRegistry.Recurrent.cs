using Mote.Format;
using Mote.Runtime.Operators.Recurrent;

namespace Mote.Runtime.Operators;

internal static partial class OperatorRegistry
{
    static partial void RegisterRecurrent(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d)
    {
        d[OpType.LSTM] = (n, b) => new LstmOperator(n, b);
        d[OpType.GRU] = (n, b) => new GruOperator(n, b);
        d[OpType.RNN] = (n, b) => new RnnOperator(n, b);
    }
}
