using System.Text;
using Mote.Convert.Onnx;

namespace Mote.Conformance.Tests;

/// <summary>Which operator a node-test case tests: the single node's operator, else the operator named by the case.</summary>
internal static class Attribution
{
    public static string OperatorOf(string caseName, ModelProto proto)
    {
        var ops = proto.Graph.Node.Select(n => n.OpType).Distinct().ToList();
        if (ops.Count == 1)
            return ops[0];
        // Expanded function bodies and multi-node cases: match "test_<snake_case_op>..." against the operators present,
        // and failing that against every operator name Mote knows.
        var rest = caseName.StartsWith("test_", StringComparison.Ordinal) ? caseName[5..] : caseName;
        var candidates = ops.Concat(Enum.GetNames<Mote.Format.OpType>()).Distinct();
        var best = candidates.Where(o => rest.StartsWith(Snake(o), StringComparison.Ordinal) || rest.StartsWith(o.ToLowerInvariant(), StringComparison.Ordinal))
            .OrderByDescending(o => o.Length).FirstOrDefault();
        return best ?? (ops.Count > 0 ? ops[0] : "(none)");
    }

    private static string Snake(string op)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < op.Length; i++)
        {
            if (char.IsUpper(op[i]) && i > 0 && (char.IsLower(op[i - 1]) || (i + 1 < op.Length && char.IsLower(op[i + 1]))))
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(op[i]));
        }
        return sb.ToString();
    }
}
