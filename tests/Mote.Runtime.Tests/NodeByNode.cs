using Mote.Format;

namespace Mote.Runtime.Tests;

/// <summary>
/// Reference for whole-graph planning: runs a model one node at a time, each node in a session of its own
/// with every non-constant input a graph input, so no value shares memory with another and nothing
/// the planner does across nodes (views, concats written in place, arena reuse) can take part.
/// Subgraph nodes that read outer values are not supported.
/// </summary>
internal static class NodeByNode
{
    /// <summary>Every value the graph computes or is fed, by name.</summary>
    public static Dictionary<string, Tensor> Run(ModelDef model, IEnumerable<NamedTensor> feeds)
    {
        var values = feeds.ToDictionary(f => f.Name, f => f.Value);
        foreach (var node in model.Graph.Nodes)
        {
            var single = new ModelDef();
            var inputs = new List<NamedTensor>();
            foreach (var name in node.Inputs.Where(n => n.Length > 0).Distinct())
            {
                if (model.Tensors.TryGetValue(name, out var def) && def.IsConstant)
                {
                    single.Add(def);
                    continue;
                }
                var t = values[name];
                single.Add(new TensorDef(name, t.Type, t.Shape.ToArray().Select(d => (Dim)d).ToArray()));
                single.Graph.Inputs.Add(name);
                inputs.Add(new NamedTensor(name, t));
            }
            var outputs = node.Outputs.Where(n => n.Length > 0).ToArray();
            foreach (var name in outputs)
                single.Add(new TensorDef(name, DataType.Undefined, null));
            single.Graph.Outputs.AddRange(outputs);
            single.Graph.Nodes.Add(node);
            using var session = MoteModel.FromDefinition(single).CreateSession();
            var result = session.Run(inputs);
            foreach (var name in outputs)
                values[name] = result[name];
        }
        return values;
    }
}
