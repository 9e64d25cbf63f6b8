using Mote.Format;

namespace Mote.Runtime.Execution;

/// <summary>Matches a caller's named tensors to the model inputs and checks names, types and shapes.</summary>
internal static class InputBinder
{
    /// <summary>The caller's tensors in model input order.</summary>
    /// <exception cref="MoteInputException">The inputs do not fit the model; the message says what was expected.</exception>
    public static Tensor[] Bind(IReadOnlyList<TensorInfo> expected, IEnumerable<NamedTensor> given)
    {
        var bound = new Tensor?[expected.Count];
        foreach (var (name, tensor) in given)
        {
            ArgumentNullException.ThrowIfNull(tensor, name);
            int index = -1;
            for (int i = 0; i < expected.Count; i++)
                if (expected[i].Name == name)
                    index = i;
            if (index < 0)
                throw new MoteInputException($"the model has no input named '{name}'; its inputs are: {Describe(expected)}");
            if (bound[index] is not null)
                throw new MoteInputException($"input '{name}' is given twice");
            CheckType(expected[index], tensor);
            bound[index] = tensor;
        }
        var missing = expected.Where((e, i) => bound[i] is null).ToList();
        if (missing.Count > 0)
            throw new MoteInputException($"missing input{(missing.Count > 1 ? "s" : "")}: {Describe(missing)}");
        var result = bound.Select(t => t!).ToArray();
        CheckShapes(expected, result);
        return result;
    }

    private static void CheckType(TensorInfo info, Tensor t)
    {
        bool ok = t.Type == info.Type
            // 16-bit float inputs compute in f32, so f32 data is accepted as is.
            || (info.Type is DataType.Float16 or DataType.BFloat16 && t.Type == DataType.Float32);
        if (!ok)
            throw new MoteInputException($"input '{info.Name}' must be {info.Type.ShortName()}, got {t.Type.ShortName()}");
    }

    // Symbolic dimensions are not cross-checked between inputs: exporters reuse names like "N" or
    // "?" for unrelated dimensions, and the graph's own shape checks catch real mismatches.
    private static void CheckShapes(IReadOnlyList<TensorInfo> expected, Tensor[] given)
    {
        for (int i = 0; i < expected.Count; i++)
        {
            var info = expected[i];
            var shape = given[i].Shape;
            if (!info.HasKnownRank)
                continue;
            if (shape.Length != info.Shape.Count)
                throw new MoteInputException($"input '{info.Name}' must have rank {info.Shape.Count} {Dim.Format(info.Shape)}, got {ShapeMath.Format(shape)}");
            for (int d = 0; d < shape.Length; d++)
            {
                var dim = info.Shape[d];
                if (dim.IsFixed && dim.Value != shape[d])
                    throw new MoteInputException($"input '{info.Name}' must have shape {Dim.Format(info.Shape)}, got {ShapeMath.Format(shape)} (dimension {d} must be {dim.Value})");
            }
        }
    }

    private static string Describe(IEnumerable<TensorInfo> infos) => string.Join(", ", infos.Select(i => i.ToString()));
}
