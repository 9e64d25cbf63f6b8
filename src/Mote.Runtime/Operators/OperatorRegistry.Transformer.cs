using Mote.Format;
using Mote.Runtime.Operators.Misc;
using Mote.Runtime.Operators.Transformer;

namespace Mote.Runtime.Operators;

internal static partial class OperatorRegistry
{
    static partial void RegisterTransformer(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d)
    {
        d[OpType.Attention] = (n, _) => new AttentionOperator(n);
        d[OpType.RotaryEmbedding] = (n, _) => new RotaryEmbeddingOperator(n);
        d[OpType.Einsum] = (n, _) => new EinsumOperator(n);
        d[OpType.TensorScatter] = (n, _) => new TensorScatterOperator(n);

        // Miscellaneous operators of the default domain (no family of their own): Operators/Misc.
        d[OpType.NegativeLogLikelihoodLoss] = (n, _) => new NegativeLogLikelihoodLossOperator(n);
        d[OpType.SoftmaxCrossEntropyLoss] = (n, _) => new SoftmaxCrossEntropyLossOperator(n);
        d[OpType.LRN] = (n, _) => new LrnOperator(n);
        d[OpType.Det] = (n, _) => new DetOperator(n);
        d[OpType.CenterCropPad] = (n, _) => new CenterCropPadOperator(n);
        d[OpType.Bernoulli] = (n, _) => new BernoulliOperator(n);
        d[OpType.RandomUniform] = (n, _) => new RandomOperator(n);
        d[OpType.RandomNormal] = (n, _) => new RandomOperator(n);
        d[OpType.RandomUniformLike] = (n, _) => new RandomOperator(n);
        d[OpType.RandomNormalLike] = (n, _) => new RandomOperator(n);
    }
}
