using Mote.Format;

namespace Mote.Convert.Opset;

/// <summary>
/// GroupNormalization-18 took scale and bias per group ([G]); opset 21 takes them per channel ([C]), each
/// group's value repeated over its C/G consecutive channels. Constant parameters are expanded here when the
/// channel count is declared; otherwise the expansion is spelled out as nodes (Shape → Div → Concat feeding
/// Unsqueeze → Expand → Reshape), which the planner folds away once the input's shape is known.
/// </summary>
internal static class GroupNormalizationRewrites
{
    public static bool PerGroupToPerChannel(NodeDef node, RewriteContext ctx, RewriteEmit emit)
    {
        long groups = NodeEdit.GetInt(node, "num_groups", 0);
        if (groups <= 0)
            throw ctx.Error(node, "GroupNormalization needs a positive num_groups");
        string x = node.Input(0);
        long? channels = ctx.DimOf(x, 1);
        string? repeats = null;
        for (int i = 1; i <= 2; i++)
        {
            string p = node.Input(i);
            if (p.Length == 0)
                continue;
            if (channels is { } c && c % groups == 0 && ctx.ConstantOf(p) is { } t && ShapeMath.ElementCount(t.Shape) == groups)
            {
                var perGroup = TensorData.ToDoubles(t);
                var perChannel = new double[c];
                for (int k = 0; k < c; k++)
                    perChannel[k] = perGroup[k / (c / groups)];
                node.Inputs[i] = ctx.Constant(node, i == 1 ? "scale" : "bias", t.Type, [c], perChannel);
                continue;
            }
            repeats ??= Repeats(node, ctx, emit, x, groups);
            string column = ctx.Intermediate(node, $"in{i}.column");
            string grid = ctx.Intermediate(node, $"in{i}.grid");
            string flat = ctx.Intermediate(node, $"in{i}.per_channel");
            emit.Before.Add(new NodeDef(OpType.Unsqueeze, $"{node.Name}.in{i}.unsqueeze", [p, ctx.Int64s(node, "axis1", [1])], [column]));
            emit.Before.Add(new NodeDef(OpType.Expand, $"{node.Name}.in{i}.expand", [column, repeats], [grid]));
            emit.Before.Add(new NodeDef(OpType.Reshape, $"{node.Name}.in{i}.reshape", [grid, ctx.Int64s(node, "flat", [-1])], [flat]));
            node.Inputs[i] = flat;
        }
        return true;
    }

    /// <summary>The [G, C/G] shape the per-group column is expanded to, computed from x's shape.</summary>
    private static string Repeats(NodeDef node, RewriteContext ctx, RewriteEmit emit, string x, long groups)
    {
        string c = ctx.Intermediate(node, "channels");
        string per = ctx.Intermediate(node, "channels_per_group");
        string shape = ctx.Intermediate(node, "group_grid");
        string g = ctx.Int64s(node, "groups", [groups]);
        emit.Before.Add(new NodeDef(OpType.Shape, $"{node.Name}.channels", [x], [c], [AttributeDef.FromInt("start", 1), AttributeDef.FromInt("end", 2)]));
        emit.Before.Add(new NodeDef(OpType.Div, $"{node.Name}.per_group", [c, g], [per]));
        emit.Before.Add(new NodeDef(OpType.Concat, $"{node.Name}.grid", [g, per], [shape], [AttributeDef.FromInt("axis", 0)]));
        return shape;
    }
}
