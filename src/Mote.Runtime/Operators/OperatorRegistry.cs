using Mote.Format;

namespace Mote.Runtime.Operators;

/// <summary>The operators this runtime implements: one factory per <see cref="OpType"/>.</summary>
internal static partial class OperatorRegistry
{
    private static readonly Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> Factories = Build();

    /// <summary>True when <paramref name="op"/> can be executed.</summary>
    public static bool IsSupported(OpType op) => Factories.ContainsKey(op);

    /// <summary>Every supported operator.</summary>
    public static IEnumerable<OpType> Supported => Factories.Keys.Order();

    public static Operator Create(NodeDef node, BuildContext ctx) =>
        Factories.TryGetValue(node.Op, out var f) ? f(node, ctx) : throw new MoteNotSupportedException($"operator {node.Op} is not supported");

    private static Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> Build()
    {
        var d = new Dictionary<OpType, Func<NodeDef, BuildContext, Operator>>();
        RegisterElementwise(d);
        RegisterShape(d);
        RegisterNeuralNet(d);
        RegisterControlFlow(d);
        RegisterRecurrent(d);
        RegisterQuantization(d);
        RegisterTransformer(d);
        RegisterVision(d);
        RegisterSignal(d);
        return d;
    }

    // One line per operator, one file per family: OperatorRegistry.<Family>.cs.
    static partial void RegisterElementwise(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d);

    static partial void RegisterShape(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d);

    static partial void RegisterNeuralNet(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d);

    static partial void RegisterControlFlow(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d);

    static partial void RegisterRecurrent(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d);

    static partial void RegisterQuantization(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d);

    static partial void RegisterTransformer(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d);

    static partial void RegisterVision(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d);

    static partial void RegisterSignal(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d);
}
