using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Mote.Convert.Passes;
using Mote.Format;

namespace Mote.Convert.Quantization;

/// <summary>
/// <c>--precision fp16</c>: every float32 constant of at least <see cref="MinElements"/> elements (weights, biases,
/// embedding tables, anchors) is stored as float16, rounded to nearest even. The runtime computes float16 tensors as
/// float32, so the graph is unchanged; only the file and the constants' precision shrink. Scalars and short vectors
/// stay float32: they are no part of the file's size, and some (epsilons, clip bounds, resize scales) must stay exact.
/// A constant holding a value float16 cannot (beyond ±65504, or not finite) stays float32 and is counted in the report.
/// After an int8 rewrite it stores the float weights left (embedding tables, anchors, layers kept float); the
/// quantization parameters (<paramref name="keep"/>) stay float32, as the integer operators define them.
/// </summary>
/// <param name="keep">Constants that stay float32 whatever their size.</param>
/// <param name="minElements">Smallest constant converted (default <see cref="MinElements"/>).</param>
public sealed class Float16Weights(IReadOnlySet<string>? keep = null, int minElements = Float16Weights.MinElements) : IGraphPass
{
    /// <summary>Smallest constant converted.</summary>
    public const int MinElements = 16;

    /// <inheritdoc/>
    public string Name => "Float16Weights";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        var outputs = new HashSet<string>(model.Graph.Outputs, StringComparer.Ordinal);
        foreach (var t in model.Tensors.Values)
        {
            if (!t.IsConstant || t.Type != DataType.Float32 || outputs.Contains(t.Name) || (t.ElementCount ?? 0) < minElements
                || keep?.Contains(t.Name) == true)
                continue;
            var values = MemoryMarshal.Cast<byte, float>(t.Data!.Value.Span);
            if (!FitsFloat16(values))
            {
                report.Count("kept float32 (values beyond float16's range)");
                continue;
            }
            var half = new byte[values.Length * 2];
            TensorPrimitives.ConvertToHalf(values, MemoryMarshal.Cast<byte, Half>(half.AsSpan()));
            t.Type = DataType.Float16;
            t.Data = half;
            report.Count("weights to float16");
        }
    }

    // Every value finite and within ±65504 (a NaN anywhere makes the largest magnitude NaN, which fails the test too).
    private static bool FitsFloat16(ReadOnlySpan<float> values) =>
        values.IsEmpty || Math.Abs(TensorPrimitives.MaxMagnitude(values)) <= (float)Half.MaxValue;
}
