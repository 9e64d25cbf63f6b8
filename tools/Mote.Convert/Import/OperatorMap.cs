using Mote.Format;

namespace Mote.Convert.Import;

/// <summary>ONNX op_type (default domain) to <see cref="OpType"/> by name.</summary>
internal static class OperatorMap
{
    private static readonly Dictionary<string, OpType> ByName = Build();

    private static Dictionary<string, OpType> Build()
    {
        var map = new Dictionary<string, OpType>(StringComparer.Ordinal);
        foreach (var op in Enum.GetValues<OpType>())
            // Ids from 1000 are Mote's own operators: an ONNX file cannot name them.
            if (op != OpType.Unknown && (int)op < 1000)
                map[op.ToString()] = op;
        return map;
    }

    /// <summary>True for the default ONNX domain ("" or "ai.onnx").</summary>
    public static bool IsDefaultDomain(string domain) => domain.Length == 0 || domain == "ai.onnx";

    /// <summary>The operator for a default-domain op_type, or <see cref="OpType.Unknown"/>.</summary>
    public static OpType Map(string opType) => ByName.TryGetValue(opType, out var op) ? op : OpType.Unknown;
}
