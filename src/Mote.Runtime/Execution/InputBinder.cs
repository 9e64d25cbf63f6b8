using Mote.Format;

namespace Mote.Runtime.Execution;

/// <summary>Matches a caller's named tensors to the model inputs and checks names, types and shapes.</summary>
internal static class InputBinder
{
    /// <summary>The caller's tensors in model input order.</summary>
    /// <exception cref="MoteInputException">The inputs do not fit the model; the message says what was expected.</exception>
    public static void Bind(IReadOnlyList<TensorInfo> expected, IEnumerable<NamedTensor> given, Tensor?[] bound)
    {
        Array.Clear(bound);
        // Indexing a list (the usual array) rather than enumerating it: no enumerator to allocate per run.
        if (given is IReadOnlyList<NamedTensor> list)
            for (int g = 0; g < list.Count; g++)
                Accept(expected, list[g], bound);
        else
            foreach (var named in given)
                Accept(expected, named, bound);
        for (int i = 0; i < bound.Length; i++)
            if (bound[i] is null)
            {
                var missing = expected.Where((e, k) => bound[k] is null).ToList();
                throw new MoteInputException($"missing input{(missing.Count > 1 ? "s" : "")}: {Describe(missing)}");
            }
        CheckShapes(expected, bound!);
    }

    private static void Accept(IReadOnlyList<TensorInfo> expected, NamedTensor named, Tensor?[] bound)
    {
        var (name, tensor) = named;
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
