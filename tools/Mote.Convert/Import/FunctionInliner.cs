using Mote.Convert.Onnx;
using Mote.Format;

namespace Mote.Convert.Import;

/// <summary>
/// Inlines calls to model-local functions (<c>ModelProto.functions</c>): the body's nodes are
/// translated in a scope where formal inputs/outputs are bound to the call's tensors, every internal
/// tensor gets a fresh name, and <c>ref_attr_name</c> attributes take the call's values (or the
/// function's defaults).
/// </summary>
internal sealed class FunctionInliner(ImportContext ctx, GraphImporter graphs)
{
    public void Inline(NodeProto call, int position, FunctionProto f, NameScope callerScope, ImportFrame frame, int depth, List<NodeDef> nodes)
    {
        ctx.CountNode();
        var key = new FunctionKey(f.Domain, f.Name, f.Overload);
        if (frame.Calls.Contains(key))
            throw ctx.Error($"function {key} calls itself recursively");
        if (frame.Calls.Count + 1 > ctx.Limits.MaxFunctionDepth)
            throw ctx.Error($"function calls are nested more than {ctx.Limits.MaxFunctionDepth} deep");
        if (call.Input.Count > f.Input.Count || call.Output.Count > f.Output.Count)
            throw ctx.Error($"call {AttributeImporter.Describe(call)} passes {call.Input.Count} inputs/{call.Output.Count} outputs to function {key}, which takes {f.Input.Count}/{f.Output.Count}");

        string prefix = frame.NamePrefix + (call.Name.Length > 0 ? call.Name : f.Name) + "/";
        var scope = new NameScope(null, renameAll: true);
        for (int i = 0; i < f.Input.Count; i++)
        {
            string actual = i < call.Input.Count ? call.Input[i] : "";
            string bound = actual.Length == 0 ? "" : callerScope.Resolve(actual, position)
                ?? throw ctx.Error($"call {AttributeImporter.Describe(call)} reads '{actual}', which is not defined");
            scope.Bind(f.Input[i], bound);
        }
        // A formal output that is also a formal input passes its tensor through: it needs an Identity.
        var passThrough = new List<(string From, string To)>();
        var formalOutputs = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < f.Output.Count; j++)
        {
            string actual = j < call.Output.Count ? call.Output[j] : "";
            string bound = actual.Length == 0 ? ctx.Names.Fresh(prefix + f.Output[j]) : callerScope.Resolve(actual)!;
            if (scope.IsLocal(f.Output[j]))
                passThrough.Add((scope.Resolve(f.Output[j])!, bound));
            else
                scope.Bind(f.Output[j], bound);
            formalOutputs.Add(f.Output[j]);
        }
        for (int k = 0; k < f.Node.Count; k++)
            foreach (var o in f.Node[k].Output)
                if (o.Length > 0 && !formalOutputs.Contains(o))
                {
                    ctx.Define(scope, o, "a function node output");
                    scope.ProducedAt(o, k);
                }

        var inner = new ImportFrame(Opset(f, frame.Opset), CallAttributes(call, f, frame), [.. frame.Calls, key], prefix);
        for (int k = 0; k < f.Node.Count; k++)
            graphs.Translate(f.Node[k], k, scope, inner, depth, nodes);
        foreach (var (from, to) in passThrough)
        {
            ctx.CountNode();
            nodes.Add(new NodeDef(OpType.Identity, prefix + "passthrough", [from], [to]));
            if (!ctx.Model.Tensors.ContainsKey(to))
                ctx.Model.Add(new TensorDef(to, DataType.Undefined, null));
        }
        ctx.Report.Count("function calls inlined");
    }

    /// <summary>The attribute values visible in the body: the function's defaults overridden by the call's.</summary>
    private Dictionary<string, AttributeProto> CallAttributes(NodeProto call, FunctionProto f, ImportFrame frame)
    {
        var values = new Dictionary<string, AttributeProto>(StringComparer.Ordinal);
        foreach (var d in f.AttributeProto)
            values[d.Name] = d;
        foreach (var a in call.Attribute)
        {
            // A call inside another function body may itself forward an attribute of its caller.
            if (a.RefAttrName.Length > 0)
            {
                if (frame.Attributes is not null && frame.Attributes.TryGetValue(a.RefAttrName, out var outer))
                    values[a.Name] = outer;
                continue;
            }
            values[a.Name] = a;
        }
        return values;
    }

    private static long Opset(FunctionProto f, long fallback)
    {
        foreach (var o in f.OpsetImport)
            if (OperatorMap.IsDefaultDomain(o.Domain))
                return o.Version;
        return fallback;
    }
}
