using Mote.Format;

namespace Mote.Convert.Opset;

/// <summary>
/// Softmax, LogSoftmax and Hardmax before 13 coerce the input to 2-D at <c>axis</c> (default 1) and
/// normalise each row; from 13 they work along one axis (default -1). The two agree when the axis is
/// the last dimension; otherwise the old form is rebuilt as Flatten → op(axis=1) → Reshape back.
/// </summary>
internal static class SoftmaxRewrites
{
    public static bool Coerce2D(NodeDef node, RewriteContext ctx, RewriteEmit emit)
    {
        long axis = NodeEdit.GetInt(node, "axis", 1);
        string x = node.Input(0), y = node.Outputs.Count > 0 ? node.Outputs[0] : "";
        int? rank = ctx.RankOf(x);
        if (axis == -1 || (rank is { } r && axis == r - 1))
        {
            node.SetAttribute(AttributeDef.FromInt("axis", -1));
            return true;
        }
        string shape = ctx.Intermediate(node, "shape");
        string flat = ctx.Intermediate(node, "flat");
        string rows = ctx.Intermediate(node, "rows");
        emit.Before.Add(new NodeDef(OpType.Shape, node.Name + ".shape", [x], [shape]));
        emit.Before.Add(new NodeDef(OpType.Flatten, node.Name + ".flatten", [x], [flat], [AttributeDef.FromInt("axis", axis)]));
        node.Inputs[0] = flat;
        node.Outputs[0] = rows;
        node.SetAttribute(AttributeDef.FromInt("axis", 1));
        // allowzero=1: the shape comes from the real input, so a 0 in it means a 0-sized dimension, not "copy".
        emit.After.Add(new NodeDef(OpType.Reshape, node.Name + ".reshape", [rows, shape], [y], [AttributeDef.FromInt("allowzero", 1)]));
        return true;
    }
}
