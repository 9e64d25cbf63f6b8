using Mote.Format;

namespace Mote.Convert;

/// <summary>
/// Structural invariants of a converted model: every tensor read is defined before it is read (graph
/// input, constant, an earlier node, or an enclosing graph), every tensor is written once, and every
/// name has an entry in the tensor table. Used after import and after each pass in tests.
/// </summary>
public static class ModelCheck
{
    /// <summary>Every violated invariant, as short messages (empty when the model is consistent).</summary>
    public static List<string> Problems(ModelDef model)
    {
        var problems = new List<string>();
        var written = new HashSet<string>(StringComparer.Ordinal);
        var visible = new HashSet<string>(model.Tensors.Values.Where(t => t.IsConstant).Select(t => t.Name), StringComparer.Ordinal);
        Check(model, model.Graph, visible, written, problems, "main graph");
        return problems;
    }

    private static void Check(ModelDef model, GraphDef graph, HashSet<string> outer, HashSet<string> written, List<string> problems, string where)
    {
        var visible = new HashSet<string>(outer, StringComparer.Ordinal);
        foreach (var input in graph.Inputs)
        {
            Known(model, input, problems, where);
            if (!written.Add(input))
                problems.Add($"{where}: input '{input}' is defined twice");
            visible.Add(input);
        }
        foreach (var node in graph.Nodes)
        {
            if (node.Op == OpType.Unknown)
                problems.Add($"{where}: {node.Describe()} has no operator");
            foreach (var i in node.Inputs)
                if (i.Length > 0 && !visible.Contains(i))
                    problems.Add($"{where}: {node.Describe()} reads '{i}' before it is defined");
            foreach (var a in node.Attributes)
                if (a.Graph is not null)
                    Check(model, a.Graph, visible, written, problems, $"{node.Describe()}.{a.Name}");
            foreach (var o in node.Outputs)
            {
                if (o.Length == 0)
                    continue;
                Known(model, o, problems, where);
                if (model.Tensors.TryGetValue(o, out var t) && t.IsConstant)
                    problems.Add($"{where}: {node.Describe()} writes constant '{o}'");
                if (!written.Add(o))
                    problems.Add($"{where}: '{o}' is written more than once");
                visible.Add(o);
            }
        }
        foreach (var o in graph.Outputs)
            if (!visible.Contains(o))
                problems.Add($"{where}: output '{o}' is never defined");
    }

    private static void Known(ModelDef model, string name, List<string> problems, string where)
    {
        if (!model.Tensors.ContainsKey(name))
            problems.Add($"{where}: '{name}' has no tensor entry");
    }
}
