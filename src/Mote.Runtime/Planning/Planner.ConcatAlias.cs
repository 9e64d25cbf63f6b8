using Mote.Format;
using Mote.Runtime.Graph;
using Mote.Runtime.Operators.Data;

namespace Mote.Runtime.Planning;

internal static partial class Planner
{
    private sealed partial class State
    {
        /// <summary>
        /// Concat written in place: when every input is one contiguous slice of the output, the inputs'
        /// producers write straight into their slices and the node never runs (the concat costs a copy of
        /// its whole output otherwise: 3–4 % of SqueezeNet). Returns false, changing nothing, when the
        /// node must run as a step.
        /// </summary>
        /// <remarks>
        /// Each input's storage becomes an alias of the output at its slice's byte offset, so liveness keeps the
        /// output's block alive from the first input's producer to the last reader of the output or of any input.
        /// Only storage this plan computes into the arena qualifies: a constant, a graph input, a folded or
        /// dynamic value has bytes of its own elsewhere, and storage already written into another concat cannot
        /// be in two places. A view whose source holds exactly its bytes (a Transpose reshaped for the concat, as
        /// detection heads do) moves its source, and the source's other views with it. An input that
        /// is itself a concat written in place moves whole, its own inputs with it (offsets compose when roots
        /// are resolved).
        /// </remarks>
        private bool TryAliasConcat(NodeSlot node, ConcatOperator concat)
        {
            int y = node.Outputs[0];
            if (y < 0 || node.Inputs.Length == 0)
                return false;
            var shape = Shapes[y]!;
            // One contiguous slice per input needs a single outer block: every dimension before the axis is 1.
            int axis = concat.Axis(shape.Length);
            for (int d = 0; d < axis; d++)
                if (shape[d] != 1)
                    return false;
            var roots = new int[node.Inputs.Length];
            for (int j = 0; j < roots.Length; j++)
            {
                int id = node.Inputs[j];
                if (id < 0 || Types[id] != Types[y])
                    return false;
                // Storage this plan computes (not a constant, graph input, widened input, folded or dynamic value),
                // still its own (not already in a concat), and all of it this input's bytes (not a slice).
                int r = Root[id];
                if (!Computed[r] || Root[r] != r || RootOffset[id] != 0 || Bytes(r) != Bytes(id))
                    return false;
                // The same storage twice (one value, or a value and its view) would need two places.
                if (Array.IndexOf(roots, r, 0, j) >= 0)
                    return false;
                roots[j] = r;
            }
            long offset = 0;
            foreach (int r in roots)
            {
                Root[r] = y;
                RootOffset[r] = offset;
                offset += Bytes(r);
            }
            Computed[y] = true;
            return true;
        }

        private long Bytes(int id) => ShapeMath.Count(Shapes[id]!) * Types[id].Size();
    }
}
