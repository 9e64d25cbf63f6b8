using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Signal;

/// <summary>
/// Reads the single value of a scalar (or one-element) input, such as a window size or a DFT length: at
/// shape inference when the value is known ahead of the run (otherwise the node becomes a dynamic step),
/// and again while executing.
/// </summary>
internal static class ScalarInput
{
    /// <summary>The integer value of input <paramref name="i"/>; throws <see cref="ValueNotKnownException"/> when only the run knows it.</summary>
    public static long Int(ShapeContext ctx, int i, string name)
    {
        var v = ctx.GetInts(i);
        return v.Length == 1 ? v[0] : throw new MoteShapeException($"input '{name}' must hold one value, got {v.Length}");
    }

    /// <summary>The float value of input <paramref name="i"/>; throws <see cref="ValueNotKnownException"/> when only the run knows it.</summary>
    public static double Float(ShapeContext ctx, int i, string name)
    {
        if (!ctx.TryGetValue(i, out var v))
            throw new ValueNotKnownException($"the output depends on the runtime value of input '{name}'");
        return Float(v, name);
    }

    /// <summary>The integer value of a bound input (int32 or int64).</summary>
    public static long Int(TensorValue v, string name)
    {
        if (v.Count != 1)
            throw new MoteShapeException($"input '{name}' must hold one value, got {v.Count}");
        return v.Type switch
        {
            DataType.Int64 => v.Span<long>()[0],
            DataType.Int32 => v.Span<int>()[0],
            _ => throw new MoteNotSupportedException($"input '{name}' must be int32 or int64, got {v.Type.ShortName()}"),
        };
    }

    /// <summary>The float value of a bound input (f32 or f64).</summary>
    public static double Float(TensorValue v, string name)
    {
        if (v.Count != 1)
            throw new MoteShapeException($"input '{name}' must hold one value, got {v.Count}");
        return v.Type switch
        {
            DataType.Float32 => v.Span<float>()[0],
            DataType.Float64 => v.Span<double>()[0],
            _ => throw new MoteNotSupportedException($"input '{name}' must be a float, got {v.Type.ShortName()}"),
        };
    }
}
